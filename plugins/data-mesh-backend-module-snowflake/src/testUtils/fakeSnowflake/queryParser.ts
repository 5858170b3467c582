/*
 * The data statements: INSERT, DELETE, TRUNCATE and SELECT with its WHERE,
 * ORDER BY and LIMIT.
 */
import type { Condition, SelectItem, Statement, Value } from './statements';
import { TokenReader } from './tokenReader';

const CONTEXT_FUNCTIONS = [
  'CURRENT_ROLE',
  'CURRENT_USER',
  'CURRENT_WAREHOUSE',
  'CURRENT_DATABASE',
  'CURRENT_SCHEMA',
  'CURRENT_ACCOUNT',
  'CURRENT_VERSION',
  'CURRENT_SESSION',
  'CURRENT_TIMESTAMP',
];

/** @internal */
export abstract class QueryParser extends TokenReader {
  protected insert(): Statement {
    this.expectWord('INTO');
    const table = this.name();
    let columns: string[] | undefined;
    if (this.acceptPunct('(')) {
      columns = [];
      do columns.push(this.ident());
      while (this.acceptPunct(','));
      this.expectPunct(')');
    }
    this.expectWord('VALUES');
    const rows: Value[][] = [];
    do {
      this.expectPunct('(');
      const row: Value[] = [];
      do row.push(this.value());
      while (this.acceptPunct(','));
      this.expectPunct(')');
      rows.push(row);
    } while (this.acceptPunct(','));
    return { kind: 'insert', table, columns, rows };
  }

  protected delete(): Statement {
    this.expectWord('FROM');
    const table = this.name();
    return { kind: 'delete', table, where: this.where() };
  }

  protected truncate(): Statement {
    this.acceptWord('TABLE');
    const ifExists = this.ifExists();
    return { kind: 'truncate', table: this.name(), ifExists };
  }

  protected where(): Condition[] {
    const conditions: Condition[] = [];
    if (!this.acceptWord('WHERE')) return conditions;
    do {
      const column = this.ident();
      if (this.acceptWord('IS')) {
        const not = this.acceptWord('NOT');
        this.expectWord('NULL');
        conditions.push({ kind: 'null', column, not });
        continue;
      }
      const not = this.acceptWord('NOT');
      if (this.acceptWord('IN')) {
        this.expectPunct('(');
        const values: Value[] = [];
        do values.push(this.value());
        while (this.acceptPunct(','));
        this.expectPunct(')');
        conditions.push({ kind: 'in', column, not, values });
        continue;
      }
      if (not) this.fail();
      const t = this.t;
      const ops = ['=', '<>', '!=', '<', '>', '<=', '>='];
      if (t.kind !== 'punct' || !ops.includes(t.value)) this.fail();
      this.i++;
      const op = (t.value === '!=' ? '<>' : t.value) as
        | '='
        | '<>'
        | '<'
        | '>'
        | '<='
        | '>=';
      conditions.push({ kind: 'cmp', column, op, value: this.value() });
    } while (this.acceptWord('AND'));
    return conditions;
  }

  protected alias(): string | undefined {
    if (this.acceptWord('AS')) return this.ident();
    if (this.t.kind === 'quoted') return this.ident();
    return undefined;
  }

  protected select(): Statement {
    const items: SelectItem[] = [];
    do {
      const t = this.t;
      if (this.acceptPunct('*')) {
        items.push({ kind: 'star' });
      } else if (
        this.isWord('COUNT') &&
        this.tokens[this.i + 1]?.value === '('
      ) {
        this.i += 2;
        let column: string | undefined;
        let distinct = false;
        const more: string[] = [];
        if (!this.acceptPunct('*')) {
          distinct = this.acceptWord('DISTINCT');
          const n = this.t;
          if (n.kind === 'word' || n.kind === 'quoted') column = this.ident();
          else this.value(); // COUNT(1): every row
          // COUNT(DISTINCT a, b): combinations, rows with a null left out
          while (distinct && this.acceptPunct(',')) more.push(this.ident());
        }
        this.expectPunct(')');
        items.push({
          kind: 'count',
          ...(column ? { column } : {}),
          ...(more.length ? { columns: [column!, ...more] } : {}),
          ...(distinct ? { distinct } : {}),
          alias: this.alias(),
        });
      } else if (
        this.isWord('COUNT_IF') &&
        this.tokens[this.i + 1]?.value === '('
      ) {
        this.i += 2;
        if (this.acceptWord('REGEXP_COUNT')) {
          // COUNT_IF(REGEXP_COUNT(CAST(col AS VARCHAR), 'p') = 0): values
          // with no match of the pattern
          this.expectPunct('(');
          const column = this.castToVarchar();
          this.expectPunct(',');
          const pattern = this.value();
          if (typeof pattern !== 'string') this.fail();
          this.expectPunct(')');
          this.expectPunct('=');
          if (this.value() !== 0) this.fail();
          this.expectPunct(')');
          items.push({
            kind: 'countNotMatching',
            column,
            pattern: pattern as string,
            alias: this.alias(),
          });
          continue;
        }
        const asText = this.isWord('CAST');
        const column = asText ? this.castToVarchar() : this.ident();
        if (!asText && this.isWord('IS')) {
          // COUNT_IF(a IS NOT NULL AND b IS NOT NULL): rows with every value
          const columns: string[] = [column];
          for (;;) {
            this.expectWord('IS');
            this.expectWord('NOT');
            this.expectWord('NULL');
            if (!this.acceptWord('AND')) break;
            columns.push(this.ident());
          }
          this.expectPunct(')');
          items.push({ kind: 'countNotNull', columns, alias: this.alias() });
          continue;
        }
        // COUNT_IF(CAST(col AS VARCHAR) [NOT] IN ('a', …)) compares text,
        // COUNT_IF(col [NOT] IN (1.5, …)) numbers
        const not = this.acceptWord('NOT');
        this.expectWord('IN');
        this.expectPunct('(');
        const values: Value[] = [];
        do values.push(this.value());
        while (this.acceptPunct(','));
        this.expectPunct(')');
        this.expectPunct(')');
        items.push({
          kind: 'countIf',
          column,
          asText,
          not,
          values,
          alias: this.alias(),
        });
      } else if (
        this.isWord('CAST') &&
        this.tokens[this.i + 1]?.value === '(' &&
        this.tokens[this.i + 2]?.value === 'NULL'
      ) {
        this.i += 3;
        this.expectWord('AS');
        const type = this.ident();
        if (!['BIGINT', 'INT', 'INTEGER', 'NUMBER'].includes(type)) this.fail();
        this.expectPunct(')');
        items.push({
          kind: 'value',
          value: null,
          text: 'NULL',
          numeric: true,
          alias: this.alias(),
        });
      } else if (this.isWord('MAX') && this.tokens[this.i + 1]?.value === '(') {
        this.i += 2;
        const column = this.ident();
        this.expectPunct(')');
        items.push({ kind: 'max', column, alias: this.alias() });
      } else if (
        t.kind === 'word' &&
        CONTEXT_FUNCTIONS.includes(t.value) &&
        this.tokens[this.i + 1]?.value === '('
      ) {
        this.i += 2;
        this.expectPunct(')');
        items.push({ kind: 'function', name: t.value, alias: this.alias() });
      } else if (t.kind === 'word' || t.kind === 'quoted') {
        const isValueWord =
          t.kind === 'word' && ['NULL', 'TRUE', 'FALSE'].includes(t.value);
        if (isValueWord) {
          items.push({
            kind: 'value',
            value: this.value(),
            text: t.value,
            alias: this.alias(),
          });
        } else {
          items.push({
            kind: 'column',
            name: this.ident(),
            alias: this.alias(),
          });
        }
      } else {
        const text = t.raw;
        items.push({
          kind: 'value',
          value: this.value(),
          text,
          alias: this.alias(),
        });
      }
    } while (this.acceptPunct(','));
    if (!this.acceptWord('FROM')) {
      const unionAll = this.acceptWord('UNION', 'ALL')
        ? this.expectSelect()
        : undefined;
      return { kind: 'select', items, where: [], orderBy: [], unionAll };
    }
    let from: string[] | undefined;
    let fromFunction:
      | { name: string[]; args: Record<string, Value> }
      | undefined;
    if (this.isWord('TABLE') && this.tokens[this.i + 1]?.value === '(') {
      this.i += 2;
      fromFunction = this.tableFunction();
      this.expectPunct(')');
    } else from = this.name();
    const where = this.where();
    const orderBy: { column: string; desc: boolean }[] = [];
    if (this.acceptWord('ORDER', 'BY')) {
      do {
        const column = this.ident();
        const desc = this.acceptWord('DESC');
        if (!desc) this.acceptWord('ASC');
        orderBy.push({ column, desc });
      } while (this.acceptPunct(','));
    }
    const limit = this.limit();
    const unionAll = this.acceptWord('UNION', 'ALL')
      ? this.expectSelect()
      : undefined;
    return {
      kind: 'select',
      items,
      from,
      fromFunction,
      where,
      orderBy,
      limit,
      unionAll,
    };
  }

  /** `CAST(col AS VARCHAR)`: the column's values as text. */
  private castToVarchar(): string {
    this.expectWord('CAST');
    this.expectPunct('(');
    const column = this.ident();
    this.expectWord('AS');
    if (!['VARCHAR', 'STRING', 'TEXT'].includes(this.ident())) this.fail();
    this.expectPunct(')');
    return column;
  }

  /** `name(ARG => value, …)` inside `TABLE(…)`. */
  private tableFunction(): { name: string[]; args: Record<string, Value> } {
    const name = this.name();
    const args: Record<string, Value> = {};
    this.expectPunct('(');
    if (!this.isPunct(')')) {
      do {
        const arg = this.ident();
        this.expectPunct('=>');
        args[arg] = this.value();
      } while (this.acceptPunct(','));
    }
    this.expectPunct(')');
    return { name, args };
  }

  private expectSelect(): Extract<Statement, { kind: 'select' }> {
    this.expectWord('SELECT');
    return this.select() as Extract<Statement, { kind: 'select' }>;
  }
}

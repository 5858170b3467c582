import { FakeAccount } from './account';
import { SnowflakeSqlError } from './errors';
import { parseStatement } from './parser';
import { tokenize } from './tokenizer';

describe('fake Snowflake tokenizer and parser', () => {
  it('folds unquoted identifiers to upper case and keeps quoted ones exactly, undoing doubled quotes', () => {
    expect(parseStatement('create role analysts')).toMatchObject({
      kind: 'createRole',
      name: ['ANALYSTS'],
    });
    expect(parseStatement('CREATE ROLE "we""ird role"')).toMatchObject({
      name: ['we"ird role'],
    });
    expect(
      parseStatement('GRANT USAGE ON SCHEMA "Db".s TO ROLE r'),
    ).toMatchObject({
      kind: 'grantPrivileges',
      privileges: ['USAGE'],
      target: { kind: 'object', type: 'SCHEMA', name: ['Db', 'S'] },
      role: ['R'],
    });
  });

  it('does not let keywords or separators inside quotes or strings escape them', () => {
    const tokens = tokenize(
      `SELECT 'a''; DROP ROLE x; --' AS "x""; DROP ROLE y"`,
    );
    expect(tokens.map(t => t.kind)).toEqual([
      'word',
      'string',
      'word',
      'quoted',
      'eof',
    ]);
    expect(tokens[1].value).toBe("a'; DROP ROLE x; --");
    expect(tokens[3].value).toBe('x"; DROP ROLE y');
  });

  it('reports syntax errors with line and position, as Snowflake words them', () => {
    const err = (sql: string) => {
      try {
        parseStatement(sql);
      } catch (e) {
        return e as SnowflakeSqlError;
      }
      throw new Error('parsed');
    };
    expect(err('CREATE ROLE\n  IF EXISTS r').message).toBe(
      "SQL compilation error:\nsyntax error line 2 at position 5 unexpected 'EXISTS'.",
    );
    expect(err('CREATE ROLE "unterminated')).toMatchObject({
      code: '001003',
      sqlState: '42000',
    });
    expect(err('CREATE ROLE a; CREATE ROLE b')).toMatchObject({
      code: '000008',
    });
    expect(err('VACUUM')).toMatchObject({ code: '001003' });
  });

  it('takes bind values positionally', () => {
    expect(
      parseStatement('INSERT INTO t (a, b) VALUES (?, ?)', {
        '1': { type: 'FIXED', value: '7' },
        '2': { type: 'TEXT', value: "o'k" },
      }),
    ).toMatchObject({ rows: [[7, "o'k"]] });
  });

  it('shows names that need quotes quoted in SHOW output, as Snowflake does', () => {
    const account = new FakeAccount();
    account.addUser({ name: 'A', password: 'p', roles: ['ACCOUNTADMIN'] });
    const s = { user: 'A', role: 'ACCOUNTADMIN' };
    for (const sql of [
      'CREATE DATABASE "my db"',
      'CREATE SCHEMA "my db"."Mixed"',
      'CREATE ROLE r',
    ]) {
      account.execute(parseStatement(sql), s);
    }
    account.execute(
      parseStatement('GRANT USAGE ON SCHEMA "my db"."Mixed" TO ROLE r'),
      s,
    );
    const shown = account.execute(parseStatement('SHOW GRANTS TO ROLE R'), s);
    const name = shown.columns.findIndex(c => c.name === 'name');
    expect(shown.rows.map(r => r[name])).toEqual(['"my db"."Mixed"']);
  });
});

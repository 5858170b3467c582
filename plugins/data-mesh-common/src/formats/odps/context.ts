/*
 * What the ODPS readers share while reading one product: the documents, the
 * datasets the contracts define and the names already taken, plus the small
 * helpers every part uses (text, lists, customProperties).
 */
import { makeValidator } from '@backstage/catalog-model';
import type { DocumentPath, SourceDocument } from '../../issues';
import {
  toSqlName,
  validateIdentifier,
  type IdentifierKind,
} from '../../identifiers';
import type { Dataset, PortAccessRole } from '../../model';
import { deriveIdentifier, showValue as show } from '../../values';

export type Obj = Record<string, unknown>;

export const entityNames = makeValidator();

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}
export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
export function normKey(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

export interface Located {
  value: unknown;
  path: DocumentPath;
}

/** `customProperties` of one element as a lookup by normalised name. */
export class CustomProperties {
  private readonly byKey = new Map<string, Located>();

  constructor(owner: unknown, ownerPath: DocumentPath) {
    if (!isObj(owner)) return;
    list(owner.customProperties).forEach((cp, i) => {
      if (!isObj(cp) || typeof cp.property !== 'string') return;
      const key = normKey(cp.property);
      // First one wins, as a reader of the file would assume.
      if (!this.byKey.has(key)) {
        this.byKey.set(key, {
          value: cp.value,
          path: [...ownerPath, 'customProperties', i, 'value'],
        });
      }
    });
  }

  get(name: string): Located | undefined {
    return this.byKey.get(normKey(name));
  }
}

export interface ContractInfo {
  doc: SourceDocument;
  id: string;
  value: Obj;
  /** Datasets this contract contributes, with the names an SLA `element` may use for them. */
  datasets: { dataset: Dataset; names: string[] }[];
  /** The contract's `roles[]`: the access policy of the output ports that serve it. */
  roles?: PortAccessRole[];
}

/** One product being read: its documents and what has been read so far. */
export class OdpsContext {
  readonly contractsById = new Map<string, ContractInfo>();
  readonly datasets: Dataset[] = [];
  /** SQL spelling → dataset name, so `a-b` and `a_b` count as one table. */
  readonly datasetSqlNames = new Map<string, string>();
  readonly datasetsByContract = new Map<string, string[]>();
  /** Input and output ports share one namespace (grants and monitors are named after ports). */
  readonly portSqlNames = new Map<string, string>();

  constructor(
    readonly source: SourceDocument,
    readonly contracts: SourceDocument[],
  ) {}

  /** Any error in the product or a contract (a contract that does not even parse included). */
  hasErrors(): boolean {
    return [this.source, ...this.contracts].some(d =>
      d.issues.some(i => i.severity === 'error'),
    );
  }

  /**
   * The identifier for a named element: an explicit `identifier` custom
   * property (checked as written), or one derived from the display name
   * (hostile characters are rejected by toIdentifier, not stripped).
   */
  identifier(
    doc: SourceDocument,
    display: string,
    displayPath: DocumentPath,
    what: IdentifierKind,
    explicit?: Located,
  ): { name: string; title?: string } | undefined {
    if (explicit) {
      const name = explicit.value;
      const problem =
        typeof name === 'string'
          ? validateIdentifier(name, what)
          : `identifier must be text, not ${show(name)}`;
      if (problem || typeof name !== 'string') {
        doc.report(explicit.path, problem ?? 'identifier must be text');
        return undefined;
      }
      return { name, title: display !== name ? display : undefined };
    }
    const result = deriveIdentifier(display, what);
    if (result.error !== undefined) {
      doc.report(displayPath, result.error);
      return undefined;
    }
    const name = result.identifier;
    return { name, title: display !== name ? display : undefined };
  }

  /** Registers a port name; false (and an error) when it clashes with another port. */
  claimPortName(name: string, path: DocumentPath): boolean {
    const key = toSqlName(name);
    const first = this.portSqlNames.get(key);
    if (first !== undefined) {
      this.source.report(
        path,
        first === name
          ? `port name '${name}' is used twice (input and output ports share one set of names)`
          : `port name '${name}' and '${first}' are the same name in SQL (${key})`,
      );
      return false;
    }
    this.portSqlNames.set(key, name);
    return true;
  }

  resolveDataset(raw: unknown): string | undefined {
    const name = str(raw);
    if (!name) return undefined;
    const derived = deriveIdentifier(name, 'dataset').identifier;
    return [name, derived].find(
      n => n !== undefined && this.datasets.some(d => d.name === n),
    );
  }

  unknownDataset(raw: unknown, path: DocumentPath) {
    const known = this.datasets.map(d => d.name);
    this.source.report(
      path,
      `dataset ${show(raw)} is not defined by any of the given contracts; ${
        known.length
          ? `the datasets are ${known.join(', ')}`
          : 'no contract with a schema was given'
      }`,
    );
  }
}

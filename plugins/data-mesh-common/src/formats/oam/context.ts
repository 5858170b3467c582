/*
 * What the OAM readers share while reading one spec: the components by type
 * and the property readers, each reporting a bad value at the author's path
 * with the package's value rules (values.ts).
 */
import type { DocumentPath, SourceDocument } from '../../issues';
import {
  deriveIdentifier,
  parseBoolean,
  parseDuration,
  parseTarget,
  parseTolerance,
  showValue,
  BOOLEAN_HINT,
  DURATION_HINT,
  TARGET_HINT,
  TOLERANCE_HINT,
} from '../../values';
import type { IdentifierKind } from '../../identifiers';
import type { Component, OamComponentType } from './components';

/** One spec being read. */
export class OamContext {
  readonly byType = new Map<OamComponentType, Component[]>();
  // upstream products named by name alone live in the default namespace
  readonly namespace = 'default';

  constructor(
    readonly source: SourceDocument,
    components: Component[],
    readonly listPath: DocumentPath,
  ) {
    for (const c of components) {
      const group = this.byType.get(c.type) ?? [];
      group.push(c);
      this.byType.set(c.type, group);
    }
  }

  of(type: OamComponentType): Component[] {
    return this.byType.get(type) ?? [];
  }

  report(path: DocumentPath, message: string, severity?: 'error' | 'warning') {
    this.source.report(path, message, severity);
  }

  /** Exactly one component of a type. */
  single(type: OamComponentType, example: string): Component | undefined {
    const all = this.of(type);
    if (all.length === 0) {
      this.report(
        this.listPath,
        `no ${type} component; add one, e.g. ${example}`,
      );
      return undefined;
    }
    for (const extra of all.slice(1)) {
      this.report(
        [...extra.path, 'name'],
        `a spec describes one ${type}, but '${extra.name}' is a second one (the first is '${all[0].name}')`,
      );
    }
    return all[0];
  }

  /** Text property; numbers and booleans are taken as written. */
  text(c: Component, key: string): string | undefined {
    const p = c.props.get(key);
    if (!p || p.value === null || p.value === undefined) return undefined;
    if (typeof p.value === 'string')
      return p.value.trim() === '' ? undefined : p.value.trim();
    if (typeof p.value === 'number' || typeof p.value === 'boolean')
      return String(p.value);
    this.report(
      p.path,
      `${key} must be text, not ${
        Array.isArray(p.value) ? 'a list' : 'a mapping'
      }`,
    );
    return undefined;
  }

  firstText(
    c: Component,
    ...keys: string[]
  ): { value?: string; path?: DocumentPath } {
    for (const key of keys) {
      const value = this.text(c, key);
      if (value !== undefined) return { value, path: c.props.get(key)!.path };
    }
    return {};
  }

  propPath(c: Component, key: string): DocumentPath | undefined {
    return c.props.get(key)?.path;
  }

  bool(c: Component, key: string): boolean | undefined {
    const p = c.props.get(key);
    if (!p || p.value === null || p.value === undefined) return undefined;
    const b = parseBoolean(p.value);
    if (b !== undefined) return b;
    this.report(
      p.path,
      `${showValue(p.value)} is not a yes/no value; ${BOOLEAN_HINT}`,
    );
    return undefined;
  }

  /** Identifier for a component name: the name itself when it is one, else derived. */
  identify(
    c: Component,
    what: IdentifierKind,
  ): { name: string; title?: string } {
    const derived = deriveIdentifier(c.name, what);
    if (derived.identifier === c.name) return { name: c.name };
    if (derived.error !== undefined) {
      this.report([...c.path, 'name'], derived.error);
      // keep the name as written so references to it still resolve; the
      // entity will not be accepted because of the error above
      return { name: c.name };
    }
    return { name: derived.identifier, title: c.name };
  }

  duration(c: Component, key: string): string | undefined {
    const p = c.props.get(key);
    if (!p || p.value === null || p.value === undefined) return undefined;
    const parsed = parseDuration(p.value);
    if (parsed === undefined) {
      this.report(
        p.path,
        `${showValue(p.value)} is not a duration; ${DURATION_HINT}`,
      );
    }
    return parsed;
  }

  fraction(
    c: Component,
    key: string,
    what: 'target' | 'tolerance',
  ): number | undefined {
    const p = c.props.get(key);
    if (!p || p.value === null || p.value === undefined) return undefined;
    const parsed =
      what === 'target' ? parseTarget(p.value) : parseTolerance(p.value);
    if (parsed === undefined) {
      const hint = what === 'target' ? TARGET_HINT : TOLERANCE_HINT;
      this.report(p.path, `${showValue(p.value)} is not a ${what}; ${hint}`);
    }
    return parsed;
  }
}

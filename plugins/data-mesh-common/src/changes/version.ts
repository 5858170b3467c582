/*
 * The version a spec declares, and whether a change set needs a major bump.
 *
 * Every format carries the author's version into the entity as the
 * annotation ANNOTATION_SPEC_VERSION: the OAM data-product property
 * `version`, the ODPS product's `version`, or the annotation itself in the
 * native entity YAML. A breaking change must come with a new major version,
 * so that consumers pinning a major version are never broken silently.
 */
import type { SpecChange } from './changeLog';

/**
 * Annotation holding the version the spec's author declared (semver, e.g.
 * `1.4.0`).
 * @public
 */
export const ANNOTATION_SPEC_VERSION = 'datamesh.dev/spec-version';

/** @public */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease?: string;
}

// semver.org 2.0.0, with an optional leading `v` as ODPS apiVersions write it
const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/**
 * Parses a semantic version; throws an Error saying what is wrong and how
 * to write it.
 * @public
 */
export function parseSemVer(text: string, what = 'version'): SemVer {
  const match = SEMVER.exec(text.trim());
  if (!match) {
    throw new Error(
      `${what} '${text}' is not a semantic version; write MAJOR.MINOR.PATCH, e.g. 1.0.0 or 2.1.3`,
    );
  }
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    ...(match[4] ? { prerelease: match[4] } : {}),
  };
}

/** The version an entity's spec declares, when it declares one. @public */
export function specVersion(entity: {
  metadata: { annotations?: Record<string, string> };
}): string | undefined {
  return entity.metadata.annotations?.[ANNOTATION_SPEC_VERSION];
}

/** @public */
export interface VersionBumpVerdict {
  /** True when the changes are acceptable with these two versions. */
  ok: boolean;
  /** The breaking changes that need the major bump. */
  breaking: SpecChange[];
  /** Why not ok, in one sentence; or what was checked when ok. */
  message: string;
}

/**
 * Whether `afterVersion` is bumped enough for `changes`: a breaking change
 * needs a higher major version (from 0.x, where semver allows anything to
 * break, a higher minor one suffices). Throws for a version that is not
 * semver; a missing version with a breaking change is not ok.
 * @public
 */
export function versionBumpRequired(
  changes: readonly SpecChange[],
  beforeVersion: string | undefined,
  afterVersion: string | undefined,
): VersionBumpVerdict {
  const breaking = changes.filter(c => c.kind === 'breaking');
  const before =
    beforeVersion === undefined
      ? undefined
      : parseSemVer(beforeVersion, 'the old version');
  const after =
    afterVersion === undefined
      ? undefined
      : parseSemVer(afterVersion, 'the new version');
  if (breaking.length === 0) {
    return { ok: true, breaking, message: 'no breaking change' };
  }
  const count = `${breaking.length} breaking change${
    breaking.length === 1 ? '' : 's'
  }`;
  if (!before || !after) {
    return {
      ok: false,
      breaking,
      message: `${count} and the spec ${
        after ? 'had no version before' : 'declares no version'
      }: declare a version and raise its major part`,
    };
  }
  const bumped =
    after.major > before.major ||
    (before.major === 0 && after.major === 0 && after.minor > before.minor);
  return bumped
    ? {
        ok: true,
        breaking,
        message: `${count} with a major version bump (${beforeVersion} → ${afterVersion})`,
      }
    : {
        ok: false,
        breaking,
        message: `${count} need a major version bump: ${beforeVersion} → ${afterVersion} keeps major version ${
          after.major
        }; write ${before.major === 0 ? `0.${before.minor + 1}.0 or ` : ''}${
          before.major + 1
        }.0.0`,
      };
}

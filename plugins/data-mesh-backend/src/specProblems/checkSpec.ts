/*
 * "Check a spec": a pasted or linked spec read with the engine of
 * `datamesh check` — readSpecFiles (the catalog's reader, contracts beside
 * an ODPS product included), the governance policies of this platform and
 * the plan preview of assessProducts — with nothing written: the warehouse
 * is only introspected, the catalog is not touched.
 */
import type { UrlReaderService } from '@backstage/backend-plugin-api';
import { InputError, stringifyError } from '@backstage/errors';
import {
  type DataProductEntityV1alpha1,
  type SpecCheckPlan,
  type SpecCheckRequest,
  type SpecCheckResponse,
  type SpecFileIO,
  evaluateGovernance,
  readSpecFiles,
} from '@datamesh/plugin-data-mesh-common';
import {
  type GovernanceSettings,
  type PlatformConfig,
  type WarehouseAdapter,
  assessProducts,
  renderPlan,
} from '@datamesh/plugin-data-mesh-node';

/** What the pasted text is called in issues. */
export const PASTED_FILE = 'pasted';

/** @public */
export interface SpecCheckerOptions {
  urlReader: UrlReaderService;
  /** The platform's governance rules (read once from config). */
  governance: () => Promise<GovernanceSettings>;
  platform: PlatformConfig;
  getAdapter: () => Promise<WarehouseAdapter>;
  /** Removes configured secrets from warehouse error messages. */
  redact: (message: string) => string;
}

/** The pasted text alone: a YAML stream may carry an ODPS product's contracts. */
function pastedFiles(text: string): SpecFileIO {
  return {
    readText: async file => {
      if (file !== PASTED_FILE) throw new Error(`${file} was not pasted`);
      return text;
    },
    listSiblings: async () => [],
  };
}

/**
 * The spec at a URL and the files beside it, through the backend's URL
 * reader, so only hosts allowed by `backend.reading` (or an integration)
 * are read. A reader that cannot list a directory gives no contracts.
 */
function urlFiles(reader: UrlReaderService, url: string): SpecFileIO {
  const texts = new Map<string, () => Promise<string>>();
  return {
    readText: async file => {
      const known = texts.get(file);
      if (known) return known();
      if (file !== url) throw new Error(`${file} is not beside ${url}`);
      const response = await reader.readUrl(url);
      return (await response.buffer()).toString('utf8');
    },
    listSiblings: async file => {
      try {
        const dir = new URL('./', file).toString();
        const response = await reader.search(`${dir}*`);
        for (const f of response.files) {
          texts.set(f.url, async () => (await f.content()).toString('utf8'));
        }
        return response.files.map(f => f.url);
      } catch {
        return [];
      }
    },
  };
}

async function planPreview(
  entity: DataProductEntityV1alpha1,
  options: SpecCheckerOptions,
): Promise<SpecCheckPlan> {
  try {
    const adapter = await options.getAdapter();
    const { products } = await assessProducts(
      [entity],
      options.platform,
      adapter,
    );
    const [a] = products;
    return {
      status: a.status,
      lines: a.plan ? renderPlan(a.plan) : [],
      steps: a.plan?.steps.length ?? 0,
      destructive: a.plan?.destructive.length ?? 0,
      issues: a.issues,
    };
  } catch (e) {
    return {
      lines: [],
      steps: 0,
      destructive: 0,
      issues: [],
      error: options.redact(
        `the warehouse could not be asked for a plan: ${stringifyError(e)}`,
      ),
    };
  }
}

/**
 * Read, judge and plan one spec. A URL that cannot be read (not allowed,
 * not found) is an InputError; everything wrong inside the spec is a
 * located issue of the response.
 */
export async function checkSpec(
  request: SpecCheckRequest,
  options: SpecCheckerOptions,
): Promise<SpecCheckResponse> {
  const file = request.url ?? PASTED_FILE;
  const io =
    request.url !== undefined
      ? urlFiles(options.urlReader, request.url)
      : pastedFiles(request.yaml ?? '');
  let result;
  try {
    result = await readSpecFiles(file, io, { format: request.format });
  } catch (e) {
    throw new InputError(
      `url: ${file} could not be read: ${stringifyError(e)}`,
    );
  }
  const { entity, issues, format } = result;
  if (!entity) return { ok: false, file, format, issues };

  if (request.stage) {
    // as `datamesh plan --stage`: the stage belongs to the deployment
    entity.spec.infrastructure = {
      ...entity.spec.infrastructure,
      stage: request.stage,
    };
  }
  const settings = await options.governance();
  const report = evaluateGovernance(entity, settings, {
    stage: request.stage,
    defaultStage: settings.defaultStage,
  });
  const plan = await planPreview(entity, options);
  // as `datamesh check`: a broken rule fails the check too
  const brokenRules = settings.issues.some(i => i.severity === 'error');
  return {
    ok: report.ok && !brokenRules,
    file,
    format,
    issues,
    entity,
    governance: { ...report, ruleProblems: settings.issues },
    plan,
  };
}

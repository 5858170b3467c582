/*
 * The built-in rules of issue 9, written in CEL like the rules platform teams
 * add, so there is one engine and the built-ins double as examples. Each is
 * a warning outside production and an error in production; a config rule
 * with the same id replaces one (e.g. to change its level or its pattern).
 */
import type { GovernanceRuleSpec } from './types';

const DOCS =
  'https://github.com/datamesh/backstage-data-mesh/blob/main/plugins/data-mesh-common/README.md#governance';

const STAGED = { level: 'warn', levels: { prod: 'error' } } as const;

/** @public */
export const BUILTIN_GOVERNANCE_RULES: ReadonlyArray<GovernanceRuleSpec> = [
  {
    id: 'pii-classified',
    expression:
      'spec.datasets.all(d, d.columns.all(c, !c.pii || c.classification in ["confidential", "restricted"]))',
    message:
      'Columns with personal data (pii: true) must be classified confidential or restricted',
    link: `${DOCS}-pii-classified`,
    ...STAGED,
  },
  {
    id: 'slo-defined',
    expression: 'size(spec.slos) > 0',
    message: 'Every data product has at least one service level objective',
    link: `${DOCS}-slo-defined`,
    ...STAGED,
  },
  {
    id: 'output-port-documented',
    // the contract of a port is the dataset it serves, with its columns
    expression:
      'spec.outputPorts.all(p, p.description != "" && spec.datasets.exists(d, d.name == p.dataset && size(d.columns) > 0))',
    message:
      'Every output port has a description and a contract (a dataset with its columns)',
    link: `${DOCS}-output-port-documented`,
    ...STAGED,
  },
  {
    id: 'consumer-aligned-input',
    expression: 'spec.type != "consumer-aligned" || size(spec.inputPorts) > 0',
    message: 'A consumer-aligned data product has at least one input port',
    link: `${DOCS}-consumer-aligned-input`,
    ...STAGED,
  },
  {
    id: 'naming-conventions',
    expression:
      'metadata.name.matches("^[a-z][a-z0-9]*(-[a-z0-9]+)*$") && spec.datasets.all(d, d.name.matches("^[a-z][a-z0-9_]*$") && d.columns.all(c, c.name.matches("^[a-z][a-z0-9_]*$")))',
    message:
      'Product names are kebab-case (claims-by-provider); dataset and column names are snake_case (claim_id)',
    link: `${DOCS}-naming-conventions`,
    ...STAGED,
  },
  {
    id: 'certified-slos-met',
    // `slo` is only known where the SLO engine runs (the backend)
    expression: '!spec.certified || slo.met',
    message: 'A certified data product meets all its service level objectives',
    link: `${DOCS}-certified-slos-met`,
    ...STAGED,
  },
];

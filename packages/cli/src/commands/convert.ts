import { stringify } from 'yaml';
import {
  type SpecFormat,
  toEntityDocument,
  toOamSpec,
  toOdps,
} from '@datamesh/plugin-data-mesh-common';
import { type Io, EXIT_FAILED, EXIT_OK, hasErrors, reportIssues } from '../io';
import { loadSpecFile } from '../specs';

const yaml = (value: unknown) => stringify(value, { lineWidth: 0 });

/**
 * `datamesh convert <spec-file> --to oam|odps|entity`: the spec in another
 * format on stdout. ODPS is the product followed by one ODCS contract per
 * dataset, as further documents of the same YAML stream (which `validate`
 * reads back as such).
 */
export async function convertCommand(
  file: string,
  options: { to: SpecFormat; format?: SpecFormat },
  io: Io,
): Promise<number> {
  const result = loadSpecFile(file, { format: options.format });
  reportIssues(io, result.issues);
  if (hasErrors(result.issues) || !result.entity) return EXIT_FAILED;
  const entity = result.entity;

  if (options.to === 'odps') {
    const { product, contracts } = toOdps(entity);
    const parts = [yaml(product), ...contracts.map(c => yaml(c.contract))];
    io.out(parts.join('---\n').replace(/\n$/, ''));
  } else if (options.to === 'oam') {
    io.out(yaml(toOamSpec(entity)).replace(/\n$/, ''));
  } else {
    io.out(yaml(toEntityDocument(entity)).replace(/\n$/, ''));
  }
  return EXIT_OK;
}

/*
 * Entry point of the `datamesh` command (bin/datamesh loads this file).
 */
import { runCli } from './program';
import { processIo } from './io';

runCli(process.argv, processIo).then(
  code => {
    // exitCode rather than exit(): pending stdout writes to a pipe are flushed
    process.exitCode = code;
  },
  error => {
    process.stderr.write(`datamesh: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);

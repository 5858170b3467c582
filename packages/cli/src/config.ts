import path from 'node:path';
import { type Config, ConfigReader } from '@backstage/config';
import { ConfigSources, EnvConfigSource } from '@backstage/config-loader';

/**
 * Load app-config files the way the Backstage backend does (includes,
 * `${ENV_VAR}` substitution, `APP_CONFIG_*` overrides), so a product repo's
 * CI can keep the warehouse secret in an environment variable. With no file
 * (and no `APP_CONFIG_*` variable), the empty config: the embedded warehouse
 * and the default naming.
 */
export async function loadCliConfig(
  files: string[],
  cwd: string = process.cwd(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<Config> {
  if (
    files.length === 0 &&
    !Object.keys(env).some(k => k.startsWith('APP_CONFIG_'))
  ) {
    return new ConfigReader({});
  }
  // APP_CONFIG_* variables win over the files, as they do for the backend
  // (the files' own loader does not read them)
  const overrides = EnvConfigSource.create({ env });
  const source =
    files.length === 0
      ? overrides
      : ConfigSources.merge([
          ConfigSources.defaultForTargets({
            rootDir: cwd,
            watch: false,
            targets: files.map(f => ({
              type: 'path',
              target: path.resolve(cwd, f),
            })),
          }),
          overrides,
        ]);
  const config = await ConfigSources.toConfig(source);
  config.close();
  return config;
}

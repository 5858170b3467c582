import path from 'node:path';
import { type Config, ConfigReader } from '@backstage/config';
import { ConfigSources } from '@backstage/config-loader';

/**
 * Load app-config files the way the Backstage backend does (includes,
 * `${ENV_VAR}` substitution, `APP_CONFIG_*` overrides), so a product repo's
 * CI can keep the warehouse secret in an environment variable. With no file,
 * the empty config: the embedded warehouse and the default naming.
 */
export async function loadCliConfig(
  files: string[],
  cwd: string = process.cwd(),
): Promise<Config> {
  if (files.length === 0) return new ConfigReader({});
  const source = ConfigSources.defaultForTargets({
    rootDir: cwd,
    watch: false,
    targets: files.map(f => ({ type: 'path', target: path.resolve(cwd, f) })),
  });
  const config = await ConfigSources.toConfig(source);
  config.close();
  return config;
}

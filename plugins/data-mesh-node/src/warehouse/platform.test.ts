import type { RootConfigService } from '@backstage/backend-plugin-api';
import {
  DEFAULT_PLATFORM_CONFIG,
  readPlatformConfig,
  renderNameTemplate,
} from './platform';

/** Just the getters readPlatformConfig uses, over a plain object. */
function configOf(data: Record<string, unknown>): RootConfigService {
  const at = (key: string) =>
    key
      .split('.')
      .reduce<any>(
        (v, k) => (v && typeof v === 'object' ? v[k] : undefined),
        data,
      );
  const make = (prefix: string): any => {
    const full = (k: string) => (prefix ? `${prefix}.${k}` : k);
    return {
      getOptionalConfig: (k: string) =>
        at(full(k)) === undefined ? undefined : make(full(k)),
      getOptionalString: (k: string) => at(full(k)),
      getOptionalStringArray: (k: string) => at(full(k)),
      getOptionalNumber: (k: string) => at(full(k)),
    };
  };
  return make('') as RootConfigService;
}

describe('readPlatformConfig', () => {
  it('gives the documented defaults without config', () => {
    expect(readPlatformConfig(configOf({}))).toEqual({
      ...DEFAULT_PLATFORM_CONFIG,
      parentRole: undefined,
    });
    expect(readPlatformConfig()).toMatchObject({
      organization: 'acme',
      defaultStage: 'dev',
    });
  });

  it('reads overrides', () => {
    const c = readPlatformConfig(
      configOf({
        dataMesh: {
          provisioning: {
            organization: 'globex',
            stages: ['dev', 'prod'],
            naming: { role: '{domain}_{product}_{stage}_{role}' },
            layers: { output: 'data_products' },
            parentRole: 'SYSADMIN',
          },
        },
      }),
    );
    expect(c.organization).toBe('globex');
    expect(c.stages).toEqual(['dev', 'prod']);
    expect(c.naming.role).toBe('{domain}_{product}_{stage}_{role}');
    expect(c.naming.schema).toBe('{product}_{layer}');
    expect(c.layers).toEqual({
      raw: 'raw',
      intermediate: 'intermediates',
      output: 'data_products',
    });
    expect(c.parentRole).toBe('SYSADMIN');
  });

  it('stops at startup with every problem listed', () => {
    expect(() =>
      readPlatformConfig(
        configOf({
          dataMesh: {
            provisioning: {
              organization: 'a;b',
              naming: { schema: '{layer}' },
            },
          },
        }),
      ),
    ).toThrow(
      /Invalid dataMesh.provisioning config:\n {2}organization: .*\n {2}naming.schema: '\{layer\}' must contain \{product\}/,
    );
  });
});

describe('renderNameTemplate', () => {
  it('fills tokens and refuses unknown ones', () => {
    expect(
      renderNameTemplate('{org}_{domain}_{stage}', {
        org: 'acme',
        domain: 'sales',
        stage: 'dev',
      }),
    ).toBe('acme_sales_dev');
    expect(() => renderNameTemplate('{nope}', {})).toThrow(
      /unknown token \{nope\}/,
    );
  });
});

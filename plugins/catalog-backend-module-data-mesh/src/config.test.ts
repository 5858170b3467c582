import { ConfigReader } from '@backstage/config';
import { readDataMeshCatalogConfig } from './config';

describe('readDataMeshCatalogConfig', () => {
  it('defaults to checking upstream ports, columns as JSON text, no discovery, and a 10 minute schedule', () => {
    expect(readDataMeshCatalogConfig(new ConfigReader({}))).toEqual({
      verifyUpstreamPorts: true,
      storeNestedAsJson: true,
      recognizeSpecsByContent: true,
      discovery: [],
      discoverySchedule: {
        frequency: { minutes: 10 },
        timeout: { minutes: 5 },
      },
    });
  });

  it('reads the settings under dataMesh.catalog', () => {
    const config = new ConfigReader({
      dataMesh: {
        catalog: {
          verifyUpstreamPorts: false,
          storeNestedAsJson: false,
          recognizeSpecsByContent: false,
          discovery: [
            '../../examples/**/data_product_spec.yml',
            '/srv/specs/**/*.odps.yaml',
          ],
          discoverySchedule: {
            frequency: { minutes: 1 },
            timeout: { seconds: 30 },
            initialDelay: { seconds: 5 },
          },
        },
      },
    });
    expect(readDataMeshCatalogConfig(config)).toEqual({
      verifyUpstreamPorts: false,
      storeNestedAsJson: false,
      recognizeSpecsByContent: false,
      discovery: [
        '../../examples/**/data_product_spec.yml',
        '/srv/specs/**/*.odps.yaml',
      ],
      discoverySchedule: {
        frequency: { minutes: 1 },
        timeout: { seconds: 30 },
        initialDelay: { seconds: 5 },
      },
    });
  });

  it('rejects a discovery setting that is not a list of patterns', () => {
    const config = new ConfigReader({
      dataMesh: { catalog: { discovery: 'specs/**' } },
    });
    expect(() => readDataMeshCatalogConfig(config)).toThrow(/discovery/);
  });
});

import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Validate the data_product_spec.yml the skeleton rendered; a broken spec fails the task with located errors',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'datamesh:spec:validate',
          name: 'Validate the data product spec',
        },
      ],
    }),
  },
  {
    description: 'Validate an ODPS product (its ODCS contracts sit next to it)',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'datamesh:spec:validate',
          name: 'Validate the ODPS product',
          input: { path: 'product/orders.odps.yaml' },
        },
      ],
    }),
  },
];

import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Print the plan for the product in the workspace: what would be created, granted, revoked',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'datamesh:infra:plan',
          name: 'Plan the warehouse objects',
          input: { path: 'data_product_spec.yml', stage: 'dev' },
        },
      ],
    }),
  },
  {
    description: 'Plan for another stage, showing the SQL of every step',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'datamesh:infra:plan',
          name: 'Plan (prod)',
          input: { stage: 'prod', showSql: true },
        },
      ],
    }),
  },
];

import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Create the schemas, roles and grants of the product in the workspace; the plan is printed first',
    example: yaml.stringify({
      steps: [
        {
          id: 'apply',
          action: 'datamesh:infra:apply',
          name: 'Provision the warehouse objects',
          input: { stage: '${{ parameters.stage }}' },
        },
      ],
      output: {
        text: [
          {
            title: 'Warehouse objects',
            content:
              'Output schema ${{ steps.apply.output.qualifiedSchemas.output }}, consumer role ${{ steps.apply.output.roles.consumer }}',
          },
        ],
      },
    }),
  },
  {
    description:
      'Also run destructive steps (revokes of grants nobody declared, drops)',
    example: yaml.stringify({
      steps: [
        {
          id: 'apply',
          action: 'datamesh:infra:apply',
          name: 'Repair drift, including revokes',
          input: { allowDestructive: true },
        },
      ],
    }),
  },
];

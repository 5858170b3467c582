import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Remove the sandbox of a merged feature branch (only schemas marked as this product sandboxes are dropped)',
    example: yaml.stringify({
      steps: [
        {
          id: 'sandbox',
          action: 'datamesh:sandbox:delete',
          name: 'Delete the sandbox',
          input: { branch: '${{ parameters.branch }}' },
        },
      ],
      output: {
        text: [
          {
            title: 'Dropped',
            content: '${{ steps.sandbox.output.dropped | dump }}',
          },
        ],
      },
    }),
  },
  {
    description: 'Remove every sandbox of the product',
    example: yaml.stringify({
      steps: [
        {
          id: 'sandboxes',
          action: 'datamesh:sandbox:delete',
          name: 'Delete all sandboxes',
          input: { all: true },
        },
      ],
    }),
  },
];

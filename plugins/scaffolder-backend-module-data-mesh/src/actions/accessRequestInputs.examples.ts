import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'After registering a new product, ask for access to what it reads (its data-product input ports), on behalf of the product',
    example: yaml.stringify({
      steps: [
        {
          id: 'inputs',
          action: 'datamesh:access:request-inputs',
          name: 'Request access to the inputs',
          input: {},
        },
      ],
      output: {
        text: [
          {
            title: 'Access to the inputs',
            content: '${{ steps.inputs.output.requests | dump }}',
          },
        ],
      },
    }),
  },
  {
    description:
      'Ask for personal data in clear, with the reason the upstream owners will read',
    example: yaml.stringify({
      steps: [
        {
          id: 'inputs',
          action: 'datamesh:access:request-inputs',
          name: 'Request access to the inputs',
          input: {
            pii: true,
            purpose:
              'Readmission model: needs patient keys to join encounters and discharges',
          },
        },
      ],
    }),
  },
];

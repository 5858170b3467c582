import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'A development environment for a feature branch: the product schemas cloned next to the originals (Snowflake: zero-copy CLONE; PostgreSQL/PGlite: a copy)',
    example: yaml.stringify({
      steps: [
        {
          id: 'sandbox',
          action: 'datamesh:sandbox:create',
          name: 'Create the sandbox',
          input: { branch: '${{ parameters.branch }}' },
        },
      ],
      output: {
        text: [
          {
            title: 'Sandbox',
            content:
              'Schemas: ${{ steps.sandbox.output.schemas | dump }} (method: ${{ steps.sandbox.output.method }})',
          },
        ],
      },
    }),
  },
  {
    description:
      'Only the raw and intermediate layers, replacing a previous sandbox of the same branch',
    example: yaml.stringify({
      steps: [
        {
          id: 'sandbox',
          action: 'datamesh:sandbox:create',
          name: 'Recreate the sandbox',
          input: {
            branch: 'feature/new-visit-types',
            layers: ['raw', 'intermediate'],
            replace: true,
          },
        },
      ],
    }),
  },
  {
    description:
      'For a branch whose sandbox a pipeline may be dropping: wait up to 10 minutes for it, rather than fail at once',
    example: yaml.stringify({
      steps: [
        {
          id: 'sandbox',
          action: 'datamesh:sandbox:create',
          name: 'Create the sandbox once the branch is free',
          input: {
            branch: '${{ parameters.branch }}',
            waitSeconds: 600,
          },
        },
      ],
    }),
  },
];

import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Publish the workspace as a local git repository and register it in the catalog',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'datamesh:publish:local',
          name: 'Publish to a local git repository',
          input: {
            repoName: '${{ parameters.name }}',
            description: '${{ parameters.description }}',
            defaultBranch: 'main',
          },
        },
        {
          id: 'register',
          action: 'catalog:register',
          name: 'Register in the catalog',
          input: {
            catalogInfoUrl: '${{ steps.publish.output.catalogInfoUrl }}',
          },
        },
      ],
    }),
  },
  {
    description: 'Publish a sub-directory of the workspace',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'datamesh:publish:local',
          name: 'Publish',
          input: {
            repoName: 'patient-encounters',
            sourcePath: 'repo',
            gitCommitMessage: 'Scaffold patient-encounters',
          },
        },
      ],
    }),
  },
];

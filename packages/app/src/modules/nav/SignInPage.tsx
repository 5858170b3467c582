import { SignInPageBlueprint } from '@backstage/plugin-app-react';

/**
 * Guest sign-in, matching `auth.providers.guest` in app-config.yaml. Stated
 * here rather than relying on the app plugin's default so that adding a real
 * provider later is a one-line change in one obvious place.
 */
export const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => {
      const { SignInPage } = await import('@backstage/core-components');
      return props => (
        <SignInPage
          {...props}
          title="Backstage Data Mesh"
          align="center"
          providers={['guest']}
        />
      );
    },
  },
});

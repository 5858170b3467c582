import { SignInPageBlueprint } from '@backstage/plugin-app-react';

/**
 * Guest sign-in, matching `auth.providers.guest` in app-config.yaml, and in
 * development the example users (`auth.providers.example-users`) to try both
 * sides of an access request. Stated here rather than relying on the app
 * plugin's default so that adding a real provider later is a change in one
 * obvious place.
 */
export const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => {
      const { DataMeshSignInPage } = await import('./ExampleUsersSignIn');
      return props => <DataMeshSignInPage {...props} />;
    },
  },
});

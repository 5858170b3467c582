import { render, screen } from '@testing-library/react';
import App from './App';

describe('App', () => {
  beforeEach(() => {
    // The app reads its config from this variable in tests; `app.packages`
    // discovery only happens in the bundler, so no plugins are installed here.
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test', baseUrl: 'http://localhost:7007' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };
  });

  it('mounts and shows the guest sign-in page', async () => {
    render(App.createRoot());

    expect(
      await screen.findByText('Backstage Data Mesh', undefined, {
        timeout: 10000,
      }),
    ).toBeInTheDocument();
    expect(screen.getByText('Guest')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Enter' })).toBeInTheDocument();
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import { SpecProblems } from './SpecProblems';
import { MySpecProblemsCard } from './MySpecProblemsCard';
import { SpecProblemsSidebarItem } from './SpecProblemsSidebarItem';
import { component } from '../../__testUtils__/fixtures';
import {
  errorResponse,
  fakeDataMeshBackend,
  jsonResponse,
  type FakeRoutes,
} from '../../__testUtils__/fakeBackend';
import {
  badDimension,
  missingOwner,
  specProblemsByOwner,
  specProblemsResponse,
} from '../../__testUtils__/specProblemFixtures';
import { renderForEntity } from '../../__testUtils__/render';
import { ReactElement } from 'react';

function render(element: ReactElement, routes: FakeRoutes) {
  const backend = fakeDataMeshBackend(routes);
  renderForEntity(component, element, { apis: [backend.apiEntry] });
  return backend;
}

const rowOf = (text: string) => screen.getByText(text).closest('tr')!;

describe('SpecProblems page', () => {
  it('lists each located problem with its file, path, line:column and owner', async () => {
    render(<SpecProblems />, {
      '/spec-problems': specProblemsResponse([missingOwner, badDimension]),
    });
    expect(
      await screen.findByText('Failing spec files (2)'),
    ).toBeInTheDocument();

    const owner = within(rowOf("must have required property 'owner'"));
    expect(owner.getByText(missingOwner.file)).toBeInTheDocument();
    expect(owner.getByText('spec.owner')).toBeInTheDocument();
    expect(owner.getByText('4:3')).toBeInTheDocument();
    expect(owner.getByText('not named')).toBeInTheDocument();

    // the issue sits in a contract beside the spec: both files are named
    const dim = within(rowOf("'Vibes' is not one of the allowed dimensions"));
    expect(dim.getByText(badDimension.file)).toBeInTheDocument();
    expect(
      dim.getByText(`in ${badDimension.issues[0].file}`),
    ).toBeInTheDocument();
    expect(dim.getByText('19:7')).toBeInTheDocument();
    expect(dim.getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/group/clinical-data-team',
    );
    // an unlocated warning has no position
    const warn = within(
      rowOf('a description helps consumers find the product'),
    );
    expect(warn.getByText('warning')).toBeInTheDocument();
    expect(screen.queryByTestId('spec-problems-empty')).toBeNull();
  });

  it('says so when every spec reads well', async () => {
    render(<SpecProblems />, { '/spec-problems': specProblemsResponse([]) });
    expect(await screen.findByTestId('spec-problems-empty')).toHaveTextContent(
      'Every spec file the catalog knows reads without errors.',
    );
    expect(screen.getByText('Failing spec files (0)')).toBeInTheDocument();
  });

  it('refreshes on its own: a fixed spec leaves the list', async () => {
    let failing = [missingOwner];
    const backend = render(<SpecProblems refreshMs={100} />, {
      '/spec-problems': () => jsonResponse(specProblemsResponse(failing)),
    });
    // findBy fails when absent; the table re-renders its rows on each refresh
    await screen.findByText(missingOwner.file);
    const asked = backend.requests.length;
    failing = [];
    await screen.findByTestId('spec-problems-empty', {}, { timeout: 3000 });
    expect(screen.queryByText(missingOwner.file)).toBeNull();
    expect(backend.requests.length).toBeGreaterThan(asked);
  });

  it('warns when the catalog could list only specs that broke after reading well', async () => {
    render(<SpecProblems />, {
      '/spec-problems': {
        ...specProblemsResponse([]),
        unprocessedSource: false,
      },
    });
    expect(await screen.findByTestId('spec-problems-partial')).toBeVisible();
  });

  it("shows the backend's error", async () => {
    render(<SpecProblems />, {
      '/spec-problems': () =>
        errorResponse(500, 'Error', 'the catalog is down'),
    });
    expect(await screen.findByTestId('spec-problems-error')).toHaveTextContent(
      'Spec problems could not be loaded',
    );
  });
});

describe('MySpecProblemsCard', () => {
  const groups = ['group:default/clinical-data-team'];

  it("lists only the problems of the user's groups' specs", async () => {
    const backend = render(<MySpecProblemsCard />, {
      '/spec-problems': specProblemsByOwner(
        [missingOwner, badDimension],
        groups,
      ),
    });
    expect(
      await screen.findByText('Problems in your specs (1)'),
    ).toBeInTheDocument();
    expect(backend.requests[0].searchParams.get('mine')).toBe('true');
    // one row per located issue
    expect(screen.getAllByText(badDimension.file)).toHaveLength(2);
    expect(screen.queryByText(missingOwner.file)).toBeNull();
  });

  it('renders nothing when their specs read well', async () => {
    const backend = render(<MySpecProblemsCard />, {
      '/spec-problems': specProblemsByOwner([missingOwner], groups),
    });
    await waitFor(() => expect(backend.requests).toHaveLength(1));
    // give the answer time to render
    await new Promise(r => setTimeout(r, 50));
    expect(screen.queryByTestId('my-spec-problems')).toBeNull();
    expect(screen.queryByText(/Problems in your specs/)).toBeNull();
  });
});

describe('SpecProblemsSidebarItem', () => {
  it('shows the number of failing spec files as a badge', async () => {
    render(<SpecProblemsSidebarItem />, {
      '/spec-problems': specProblemsResponse([missingOwner, badDimension]),
    });
    const link = await screen.findByRole('link', { name: /Spec problems/ });
    expect(link).toHaveAttribute('href', '/data-products/spec-problems');
    await waitFor(() => expect(link).toHaveTextContent('2'));
  });

  it('shows no count when there are none', async () => {
    const backend = render(<SpecProblemsSidebarItem />, {
      '/spec-problems': specProblemsResponse([]),
    });
    await waitFor(() => expect(backend.requests).toHaveLength(1));
    await new Promise(r => setTimeout(r, 50));
    const link = screen.getByRole('link', { name: /Spec problems/ });
    expect(link).not.toHaveTextContent(/\d/);
  });
});

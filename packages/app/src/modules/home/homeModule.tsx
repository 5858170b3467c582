import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { MarkdownContent } from '@backstage/core-components';
import { NeedsYouCard } from '@datamesh/plugin-data-mesh';

// Links are app-relative so they work wherever the portal is served.
const content = `
This portal is a self-serve data platform: domain teams publish **data
products** — with their ports, datasets, PII classification, service-level
objectives and data-sharing agreements — and consumers find and understand
them here.

The catalog is loaded with **example data** for a fictional health-care
provider, *Example Health*: three domains and their data products, linked
into lineage chains from source-aligned to consumer-aligned products.

- **[Data products](/data-products)** — every data product with its domain,
  owner, type, certification and SLO health, searchable by its datasets and
  columns; open one for its overview: ports, the data-sharing agreement and
  its lineage graph, a Datasets tab with columns and PII classification, its
  SLOs, and an Access tab. They are also in the
  [catalog](/catalog?filters%5Bkind%5D=dataproduct) as kind DataProduct.
- **[Mesh map](/data-products/mesh-map)** — the products by domain, with
  their lineage and health.
- **[My data products](/data-products/mine)** — the products your teams own,
  worst health first, and the access requests waiting for your decision;
  **[My access](/data-products/my-access)** — the access you and your teams
  asked for, and how to read it.
- **[Create](/create)** — a new data product (repository, warehouse schemas
  and roles, catalog entry and SLO monitors in one run), or the deprecation
  and retirement of one of yours.
- **[Spec problems](/data-products/spec-problems)** — spec files the catalog
  could not read, with file, field and line; **[Check a
  spec](/data-products/check-spec)** before you register one.
- **[Domains](/catalog?filters%5Bkind%5D=domain)** and
  **[Teams](/catalog?filters%5Bkind%5D=group)** — who owns what.
- **[Drift](/data-products/drift)** and
  **[Compliance](/data-products/compliance)** — the platform team's views of
  every product's warehouse objects and governance.

Data products are declared in spec files (\`data_product_spec.yml\`, ODPS
product files, or native entity YAML) and registered as catalog locations.
`;

const welcomeWidget = HomePageWidgetBlueprint.make({
  name: 'data-mesh-welcome',
  params: {
    name: 'DataMeshWelcome',
    title: 'Welcome to Backstage Data Mesh',
    description: 'What this portal is and where to start',
    components: async () => ({
      Content: () => <MarkdownContent content={content} />,
    }),
  },
});

// What needs the signed-in user: decisions, breaches, grants ending, spec problems.
const needsYouWidget = HomePageWidgetBlueprint.make({
  name: 'data-mesh-needs-you',
  params: {
    name: 'DataMeshNeedsYou',
    title: 'What needs you',
    description:
      'Access requests to decide, SLO breaches of your products and of what you read, grants ending soon, spec problems',
    components: async () => ({
      Content: () => <NeedsYouCard />,
    }),
  },
});

/** Home page widgets specific to this portal. */
export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [welcomeWidget, needsYouWidget],
});

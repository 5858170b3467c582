import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { MarkdownContent } from '@backstage/core-components';

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
  owner, type and certification; open one for its overview: ports, the
  data-sharing agreement and its lineage graph, and a Datasets tab with
  columns and PII classification. They are also in the
  [catalog](/catalog?filters%5Bkind%5D=dataproduct) as kind DataProduct.
- **[Domains](/catalog?filters%5Bkind%5D=domain)** — the business domains
  that own the products.
- **[Teams](/catalog?filters%5Bkind%5D=group)** — the owning groups.
- **[Create](/create)** — software templates.

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

/** Home page widgets specific to this portal. */
export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [welcomeWidget],
});

import {
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
} from '@backstage/catalog-model';
import { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';

/**
 * An aggregate product of a (fictional) health-care provider, as the catalog
 * returns it after processing: relations stitched, spec in canonical form.
 * Example data only.
 */
export const patientEncounters: DataProductEntityV1alpha1 = {
  apiVersion: 'datamesh.dev/v1alpha1',
  kind: 'DataProduct',
  metadata: {
    name: 'patient-encounters',
    namespace: 'default',
    title: 'Patient encounters',
    description:
      'Every inpatient and outpatient encounter joined to the patient master, one row per encounter.',
    tags: ['clinical', 'encounters', 'hipaa'],
    annotations: {
      'datamesh.dev/spec-format': 'oam',
    },
  },
  spec: {
    type: 'aggregate',
    lifecycle: 'production',
    owner: 'group:default/clinical-data-team',
    domain: 'domain:default/clinical-care',
    certified: true,
    datasets: [
      {
        name: 'patient_encounters',
        title: 'Patient encounters',
        description: 'One row per encounter, refreshed nightly from the EHR.',
        table:
          'clinical_care_prod.patient_encounters_public.patient_encounters',
        columns: [
          {
            name: 'encounter_id',
            type: 'varchar(36)',
            description: 'Encounter identifier from the EHR',
            classification: 'internal',
            primaryKey: true,
            required: true,
          },
          {
            name: 'patient_mrn',
            type: 'varchar(18)',
            description: 'Medical record number of the patient',
            classification: 'restricted',
            pii: true,
            required: true,
          },
          {
            name: 'admitted_at',
            type: 'timestamp',
            description: 'Admission time',
            classification: 'confidential',
          },
          {
            name: 'department',
            type: 'varchar(64)',
            description: 'Treating department',
            classification: 'internal',
          },
          {
            name: 'diagnosis_code',
            type: 'varchar(8)',
            description: 'Primary ICD-10 diagnosis',
            classification: 'confidential',
            pii: true,
          },
        ],
      },
      {
        name: 'encounter_daily_counts',
        title: 'Daily encounter counts',
        columns: [
          { name: 'day', type: 'date', primaryKey: true },
          { name: 'department', type: 'varchar(64)', primaryKey: true },
          { name: 'encounters', type: 'integer', classification: 'public' },
        ],
      },
    ],
    inputPorts: [
      {
        name: 'patients',
        title: 'Patient master',
        type: 'data-product',
        dataProduct: 'dataproduct:default/patients',
        outputPort: 'patients-sql',
        description: 'Demographics for joining encounters to patients',
      },
      {
        name: 'ehr_encounters',
        type: 'dataset',
        source: 'Epic Clarity PAT_ENC',
      },
      {
        name: 'scheduling_api',
        type: 'api',
        source: 'https://scheduling.example-health.org/api/v2/visits',
      },
    ],
    outputPorts: [
      {
        name: 'encounters_sql',
        title: 'Encounters (SQL)',
        type: 'sql',
        dataset: 'patient_encounters',
        url: 'postgresql://warehouse.example-health.org:5432/clinical_care_prod',
        instructions:
          'Request the **PATIENT_ENCOUNTERS_CONSUMER** role, then query `public.patient_encounters`.',
      },
      {
        name: 'daily_counts_jdbc',
        type: 'jdbc',
        dataset: 'encounter_daily_counts',
      },
    ],
    slos: [
      {
        name: 'nightly-refresh',
        dimension: 'freshness',
        objective: 'Updated every night by 06:00',
        maxAge: '24h',
      },
      {
        name: 'full-volume',
        dimension: 'completeness',
        objective: 'Each load has at least 95 % of the usual encounters',
        tolerance: 0.05,
      },
      {
        name: 'queryable',
        dimension: 'availability',
        objective: 'The table exists and answers',
        target: 0.95,
      },
    ],
    dataSharingAgreement: {
      purpose: 'Care quality analytics and capacity planning.',
      usage: 'Aggregated reporting inside the hospital network only.',
      limitations:
        'No re-identification of patients; no export outside the EU.',
      approval:
        'The clinical data team approves requests within 2 working days.',
      termination: 'Access ends with the project or after 12 months.',
    },
  },
  relations: [
    {
      type: RELATION_OWNED_BY,
      targetRef: 'group:default/clinical-data-team',
    },
    { type: RELATION_PART_OF, targetRef: 'domain:default/clinical-care' },
    { type: RELATION_DEPENDS_ON, targetRef: 'dataproduct:default/patients' },
    {
      type: RELATION_DEPENDENCY_OF,
      targetRef: 'dataproduct:default/readmission-risk',
    },
  ],
};

/** Upstream of {@link patientEncounters}: source-aligned, not certified. */
export const patients: DataProductEntityV1alpha1 = {
  apiVersion: 'datamesh.dev/v1alpha1',
  kind: 'DataProduct',
  metadata: {
    name: 'patients',
    namespace: 'default',
    title: 'Patient master',
  },
  spec: {
    type: 'source-aligned',
    lifecycle: 'experimental',
    owner: 'group:default/ehr-team',
    domain: 'domain:default/patient-admin',
    certified: false,
  },
  relations: [
    { type: RELATION_OWNED_BY, targetRef: 'group:default/ehr-team' },
    {
      type: RELATION_PART_OF,
      targetRef: 'domain:default/patient-admin',
    },
    {
      type: RELATION_DEPENDENCY_OF,
      targetRef: 'dataproduct:default/patient-encounters',
    },
  ],
};

/** Downstream of {@link patientEncounters}. */
export const readmissionRisk: DataProductEntityV1alpha1 = {
  apiVersion: 'datamesh.dev/v1alpha1',
  kind: 'DataProduct',
  metadata: {
    name: 'readmission-risk',
    namespace: 'default',
    title: 'Readmission risk',
  },
  spec: {
    type: 'consumer-aligned',
    lifecycle: 'production',
    owner: 'group:default/population-health',
    domain: 'domain:default/population-health',
    certified: true,
  },
  relations: [
    { type: RELATION_OWNED_BY, targetRef: 'group:default/population-health' },
    {
      type: RELATION_DEPENDS_ON,
      targetRef: 'dataproduct:default/patient-encounters',
    },
  ],
};

/** A product that declares only the required fields: every card's empty state. */
export const bareProduct: DataProductEntityV1alpha1 = {
  apiVersion: 'datamesh.dev/v1alpha1',
  kind: 'DataProduct',
  metadata: { name: 'bed-occupancy', namespace: 'default' },
  spec: {
    type: 'source-aligned',
    lifecycle: 'experimental',
    owner: 'group:default/capacity-team',
    domain: 'domain:default/hospital-operations',
    certified: false,
  },
};

/** Not a data product: for cards placed on the wrong page. */
export const component = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'ehr-gateway', namespace: 'default' },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/ehr-team',
  },
};

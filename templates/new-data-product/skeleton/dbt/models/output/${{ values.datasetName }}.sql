-- Output: the dataset ${{ values.datasetName }} that the product serves through
-- its output port. Consumers read this table with the product's consumer role.
select
{%- for column in values.columns %}
    ${{ column.name }},
{%- endfor %}
    loaded_at,
    record_type,
    source_system
from {{ ref('stg_${{ values.datasetName }}') }}

-- Staging: the raw ${{ values.datasetName }} rows, with the metadata columns
-- of the information architecture added to every row:
--   loaded_at      when the row was loaded into the warehouse
--   record_type    what kind of record the source sent
--   source_system  the operational system the row came from
select
{%- for column in values.columns %}
    ${{ column.name }},
{%- endfor %}
    current_timestamp as loaded_at,
    '{{ var("record_type") | replace("'", "''") }}' as record_type,
    '{{ var("source_system") | replace("'", "''") }}' as source_system
from {{ source('raw', '${{ values.datasetName }}') }}

{#-
  Use the configured schema as it is. dbt's default prefixes it with the
  target schema (output_schema_intermediates_schema), but the platform has
  already provisioned the exact schemas, and the roles' grants are on those.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}

-- The classes, in their display order.
with

classes as (
    select * from {{ ref('classes') }}
),

final as (
    select
        class_code,
        class_name,
        class_order
    from classes
)

select * from final
order by class_order

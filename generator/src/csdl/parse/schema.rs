//! `Schema` and the kinds of item it holds.

use super::attributes::A;
use super::parser::Parser;
use super::reader::Start;
use crate::csdl::ast::*;
use crate::error::Result;

impl<'a> Parser<'a> {
    pub(super) fn schema(&mut self, s: Start<'a>) -> Result<Schema> {
        let mut a = self.attrs(&s, "Schema")?;
        let namespace = a.required_cow(&self.r, A::Namespace, s.pos, Some("Schema"))?;
        self.r.enter(&s, "Schema", Some(namespace.clone()));
        let alias = a.take(A::Alias);
        self.recycle(a);
        let items = self.schema_items()?;
        Ok(Schema {
            namespace: namespace.into_owned(),
            alias,
            items,
            pos: s.pos,
        })
    }

    /// The children of the open `Schema`, to its end.
    fn schema_items(&mut self) -> Result<Vec<SchemaItem>> {
        let mut items = Vec::new();
        while let Some(c) = self.r.child()? {
            let item = match c.local() {
                b"EnumType" => SchemaItem::EnumType(Box::new(self.enum_type(c)?)),
                b"ComplexType" => {
                    SchemaItem::ComplexType(Box::new(self.structured(c, StructuredKind::Complex)?))
                }
                b"EntityType" => {
                    SchemaItem::EntityType(Box::new(self.structured(c, StructuredKind::Entity)?))
                }
                b"Action" => {
                    SchemaItem::Action(Box::new(self.operation(c, OperationKind::Action)?))
                }
                b"Function" => {
                    SchemaItem::Function(Box::new(self.operation(c, OperationKind::Function)?))
                }
                b"Term" => SchemaItem::Term(Box::new(self.term(c)?)),
                b"EntityContainer" => SchemaItem::EntityContainer(Box::new(self.container(c)?)),
                b"Annotations" => SchemaItem::Annotations(Box::new(self.annotations_block(c)?)),
                b"TypeDefinition" => {
                    return Err(self.r.unsupported(
                        &c,
                        "a named primitive type; no Microsoft Graph document has one so far",
                    ))
                }
                _ => return Err(self.r.unknown_element(&c)),
            };
            items.push(item);
        }
        Ok(items)
    }
}

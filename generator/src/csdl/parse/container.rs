//! `EntityContainer`: entity sets and singletons with their navigation
//! property bindings.

use super::attributes::A;
use super::parser::Parser;
use super::reader::Start;
use crate::csdl::ast::*;
use crate::error::Result;

impl<'a> Parser<'a> {
    pub(super) fn container(&mut self, s: Start<'a>) -> Result<EntityContainer> {
        let (mut a, name) = self.named(&s, "EntityContainer")?;
        let extends = a.take(A::Extends);
        self.recycle(a);
        let mut entity_sets = Vec::new();
        let mut singletons = Vec::new();
        let mut annotations = Vec::new();
        while let Some(c) = self.r.child()? {
            match c.local() {
                b"EntitySet" => {
                    let (mut a, name) = self.named(&c, "EntitySet")?;
                    let entity_type = a.required(&self.r, A::EntityType, c.pos, None)?;
                    let include_in_service_document =
                        a.bool(&self.r, A::IncludeInServiceDocument, c.pos)?;
                    self.recycle(a);
                    let (bindings, annotations) = self.bindings_and_annotations()?;
                    entity_sets.push(EntitySet {
                        name,
                        entity_type,
                        include_in_service_document,
                        bindings,
                        annotations,
                        pos: c.pos,
                    });
                }
                b"Singleton" => {
                    let (mut a, name) = self.named(&c, "Singleton")?;
                    let r#type = a.required(&self.r, A::Type, c.pos, None)?;
                    self.recycle(a);
                    let (bindings, annotations) = self.bindings_and_annotations()?;
                    singletons.push(Singleton {
                        name,
                        r#type,
                        bindings,
                        annotations,
                        pos: c.pos,
                    });
                }
                b"Annotation" => annotations.push(self.annotation(c)?),
                b"ActionImport" | b"FunctionImport" => {
                    return Err(self.r.unsupported(
                        &c,
                        "unbound operations are not generated; no Microsoft Graph document \
                         imports one so far",
                    ))
                }
                _ => return Err(self.r.unknown_element(&c)),
            }
        }
        Ok(EntityContainer {
            name,
            extends,
            entity_sets,
            singletons,
            annotations,
            pos: s.pos,
        })
    }

    fn bindings_and_annotations(
        &mut self,
    ) -> Result<(Vec<NavigationPropertyBinding>, Vec<Annotation>)> {
        let mut bindings = Vec::new();
        let mut annotations = Vec::new();
        while let Some(c) = self.r.child()? {
            match c.local() {
                b"NavigationPropertyBinding" => {
                    let mut a = self.attrs(&c, "NavigationPropertyBinding")?;
                    let path =
                        a.required_cow(&self.r, A::Path, c.pos, Some("NavigationPropertyBinding"))?;
                    self.r
                        .enter(&c, "NavigationPropertyBinding", Some(path.clone()));
                    let target = a.required(&self.r, A::Target, c.pos, None)?;
                    self.recycle(a);
                    self.r.no_children()?;
                    bindings.push(NavigationPropertyBinding {
                        path: path.into_owned(),
                        target,
                        pos: c.pos,
                    });
                }
                b"Annotation" => annotations.push(self.annotation(c)?),
                _ => return Err(self.r.unknown_element(&c)),
            }
        }
        Ok((bindings, annotations))
    }
}

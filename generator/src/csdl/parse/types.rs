//! Types: `EnumType` with its members, `ComplexType` and `EntityType` with
//! their key, properties and navigation properties.

use super::attributes::A;
use super::parser::Parser;
use super::reader::Start;
use crate::csdl::ast::*;
use crate::error::Result;

impl<'a> Parser<'a> {
    pub(super) fn enum_type(&mut self, s: Start<'a>) -> Result<EnumType> {
        let (mut a, name) = self.named(&s, "EnumType")?;
        let underlying_type = a.take(A::UnderlyingType);
        let is_flags = a.bool(&self.r, A::IsFlags, s.pos)?.unwrap_or(false);
        self.recycle(a);
        let (members, annotations) = (self.mark::<Member>(), self.mark::<Annotation>());
        while let Some(c) = self.r.child()? {
            match c.local() {
                b"Member" => self.add(c, Self::member)?,
                b"Annotation" => self.add(c, Self::annotation)?,
                _ => return Err(self.r.unknown_element(&c)),
            }
        }
        Ok(EnumType {
            name,
            underlying_type,
            is_flags,
            members: self.list(members),
            annotations: self.list(annotations),
            pos: s.pos,
        })
    }

    fn member(&mut self, s: Start<'a>) -> Result<Member> {
        let (mut a, name) = self.named(&s, "Member")?;
        let value = a.take(A::Value);
        self.recycle(a);
        let annotations = self.only_annotations()?;
        Ok(Member {
            name,
            value,
            annotations,
            pos: s.pos,
        })
    }

    pub(super) fn structured(
        &mut self,
        s: Start<'a>,
        kind: StructuredKind,
    ) -> Result<StructuredType> {
        let elem = match kind {
            StructuredKind::Complex => "ComplexType",
            StructuredKind::Entity => "EntityType",
        };
        let (mut a, name) = self.named(&s, elem)?;
        let base_type = a.take(A::BaseType);
        let is_abstract = a.bool(&self.r, A::Abstract, s.pos)?.unwrap_or(false);
        let open_type = a.bool(&self.r, A::OpenType, s.pos)?.unwrap_or(false);
        let has_stream = a.bool(&self.r, A::HasStream, s.pos)?.unwrap_or(false);
        self.recycle(a);
        let mut key = None;
        let properties = self.mark::<Property>();
        let navigation_properties = self.mark::<NavigationProperty>();
        let annotations = self.mark::<Annotation>();
        while let Some(c) = self.r.child()? {
            match c.local() {
                b"Key" if key.is_none() && kind == StructuredKind::Entity => {
                    key = Some(self.key(c)?)
                }
                b"Property" => self.add(c, Self::property)?,
                b"NavigationProperty" => self.add(c, Self::navigation_property)?,
                b"Annotation" => self.add(c, Self::annotation)?,
                _ => return Err(self.r.unknown_element(&c)),
            }
        }
        let properties = self.list(properties);
        let navigation_properties = self.list(navigation_properties);
        let annotations = self.list(annotations);
        Ok(StructuredType {
            kind,
            name,
            base_type,
            is_abstract,
            open_type,
            has_stream,
            key,
            properties,
            navigation_properties,
            annotations,
            pos: s.pos,
        })
    }

    fn key(&mut self, s: Start<'a>) -> Result<Vec<PropertyRef>> {
        let a = self.attrs(&s, "Key")?;
        self.recycle(a);
        self.r.enter(&s, "Key", None);
        let mut refs = Vec::new();
        while let Some(c) = self.r.child()? {
            match c.local() {
                b"PropertyRef" => {
                    let (mut a, name) = self.named(&c, "PropertyRef")?;
                    let alias = a.take(A::Alias);
                    self.recycle(a);
                    self.r.no_children()?;
                    refs.push(PropertyRef {
                        name,
                        alias,
                        pos: c.pos,
                    });
                }
                _ => return Err(self.r.unknown_element(&c)),
            }
        }
        Ok(refs)
    }

    fn property(&mut self, s: Start<'a>) -> Result<Property> {
        let (mut a, name) = self.named(&s, "Property")?;
        let r#type = a.required(&self.r, A::Type, s.pos, None)?;
        let nullable = a.bool(&self.r, A::Nullable, s.pos)?;
        let unicode = a.bool(&self.r, A::Unicode, s.pos)?;
        let default_value = a.take(A::DefaultValue);
        let facets = a.facets();
        self.recycle(a);
        let annotations = self.only_annotations()?;
        Ok(Property {
            name,
            r#type,
            nullable,
            default_value,
            unicode,
            facets,
            annotations,
            pos: s.pos,
        })
    }

    fn navigation_property(&mut self, s: Start<'a>) -> Result<NavigationProperty> {
        let (mut a, name) = self.named(&s, "NavigationProperty")?;
        let r#type = a.required(&self.r, A::Type, s.pos, None)?;
        let nullable = a.bool(&self.r, A::Nullable, s.pos)?;
        let contains_target = a.bool(&self.r, A::ContainsTarget, s.pos)?.unwrap_or(false);
        let partner = a.take(A::Partner);
        self.recycle(a);
        let annotations = self.mark::<Annotation>();
        while let Some(c) = self.r.child()? {
            match c.local() {
                b"Annotation" => self.add(c, Self::annotation)?,
                // Constraints between keys and deletion rules are the
                // service's business: no generated code depends on them.
                b"ReferentialConstraint" => self.ignored(c, "ReferentialConstraint")?,
                b"OnDelete" => self.ignored(c, "OnDelete")?,
                _ => return Err(self.r.unknown_element(&c)),
            }
        }
        let annotations = self.list(annotations);
        Ok(NavigationProperty {
            name,
            r#type,
            nullable,
            partner,
            contains_target,
            annotations,
            pos: s.pos,
        })
    }
}

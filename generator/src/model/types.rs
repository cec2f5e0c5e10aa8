//! The types of the closure: each as the first document declaring it has
//! it, with the properties later documents add and availability per cloud.

use std::collections::HashMap;

use crate::csdl::ast::StructuredKind;
use crate::error::Result;

use super::capabilities::Place;
use super::documents::{Declaration, Documents};
use super::index::{loc, members, struct_path, underlying_type, Decl, Index};
use super::{
    Availability, EnumDef, MemberDef, Navigation, PropertyDef, QName, StructDef, TypeDef, TypeId,
    TypeKind, TypeRef,
};

/// The member Microsoft's evolvable enums end their members of old with;
/// those declared after it come only when asked for
/// (<https://learn.microsoft.com/graph/best-practices-concept#handling-future-members-in-evolvable-enumerations>).
const UNKNOWN_FUTURE_VALUE: &str = "unknownFutureValue";

/// The definition of each type of the closure, in the order of `names`
/// (which `ids` numbers).
pub(super) fn defs(
    docs: &Documents<'_, '_>,
    names: &[QName],
    ids: &HashMap<&QName, TypeId>,
) -> Result<Vec<TypeDef>> {
    let mut types = Vec::with_capacity(names.len());
    for q in names {
        let (ix, decl) = docs.find_type(q).expect("closure holds declared types");
        types.push(docs.type_def(q, ix, decl, ids)?);
    }
    Ok(types)
}

impl<'i, 'a> Documents<'i, 'a> {
    fn type_def(
        &self,
        q: &QName,
        ix: &Index<'a>,
        decl: Decl<'a>,
        ids: &HashMap<&QName, TypeId>,
    ) -> Result<TypeDef> {
        let target = q.to_string();
        let schema = decl.schema();
        let doc = ix.doc;
        match decl {
            Decl::Enum(_, e) => {
                let facts = ix.facts(&target, &e.annotations);
                let underlying = underlying_type(e);
                let mut next = if e.is_flags { 1 } else { 0 };
                let mut members = Vec::new();
                let mut after_unknown = false;
                for m in &e.members {
                    let value = match &m.value {
                        Some(v) => v.trim().parse::<i64>().unwrap_or_default(),
                        None => next,
                    };
                    next = value.saturating_add(1);
                    let mtarget = format!("{target}/{}", m.name);
                    let mf = ix.facts(&mtarget, &m.annotations);
                    members.push(MemberDef {
                        name: m.name.clone(),
                        value,
                        doc: mf.doc,
                        after_unknown_future_value: after_unknown,
                        availability: self.availability(|x| {
                            matches!(x.types.get(&(q.namespace.as_str(), q.name.as_str())),
                                Some(Decl::Enum(_, xe)) if xe.members.iter().any(|xm| xm.name == m.name))
                        }),
                    });
                    after_unknown |= m.name == UNKNOWN_FUTURE_VALUE;
                }
                Ok(TypeDef {
                    name: q.clone(),
                    kind: TypeKind::Enum(EnumDef {
                        underlying,
                        is_flags: e.is_flags,
                        members,
                    }),
                    doc: facts.doc,
                    availability: self.type_availability(q),
                    // Decided once every type is known (see `hierarchy`).
                    evolvable: false,
                })
            }
            Decl::Struct(_, t) => {
                let path = struct_path(schema, t);
                let facts = ix.facts(&target, &t.annotations);
                let base = match &t.base_type {
                    Some(b) => match self.type_ref(ix, b, || loc(doc, t.pos, path.clone()), ids)? {
                        TypeRef::Named(id) => Some(id),
                        _ => None,
                    },
                    None => None,
                };
                // `ix` has the first declaration: the one `find_type` gives.
                let declarations: Vec<Declaration<'i, 'a>> = self.declarations(q).collect();
                let clouds = PropertyClouds::new(&declarations, self.type_availability(q));
                let (first, later) = declarations
                    .split_first()
                    .expect("the type is declared where it was found");
                let mut properties = self.declared_properties(q, first, &clouds, ids, |_| true)?;
                // What later documents declare and the first does not (by
                // name in any case, inherited ones included) is added, for
                // the clouds that have it.
                if !later.is_empty() {
                    let mut seen = self.inherited_names(ix, t);
                    seen.extend(members(t).map(|(name, _, _)| name.to_lowercase()));
                    for d in later {
                        properties.extend(self.declared_properties(
                            q,
                            d,
                            &clouds,
                            ids,
                            |name| seen.insert(name.to_lowercase()),
                        )?);
                    }
                }
                let def = StructDef {
                    base,
                    is_abstract: t.is_abstract,
                    is_open: t.open_type,
                    has_stream: t.has_stream,
                    key: t.key.iter().flatten().map(|k| k.name.clone()).collect(),
                    properties,
                    derived: Vec::new(),
                };
                Ok(TypeDef {
                    name: q.clone(),
                    kind: match t.kind {
                        StructuredKind::Complex => TypeKind::Complex(def),
                        StructuredKind::Entity => TypeKind::Entity(def),
                    },
                    doc: facts.doc,
                    availability: clouds.type_clouds,
                    evolvable: false,
                })
            }
        }
    }

    /// The properties and navigation properties of the structured type `q`
    /// as one document declares it (`d`), those whose name `keep` accepts.
    fn declared_properties(
        &self,
        q: &QName,
        d: &Declaration<'i, 'a>,
        clouds: &PropertyClouds<'a>,
        ids: &HashMap<&QName, TypeId>,
        mut keep: impl FnMut(&str) -> bool,
    ) -> Result<Vec<PropertyDef>> {
        let (x, t) = (d.index, d.t);
        let target = q.to_string();
        let path = struct_path(d.schema, t);
        let mut properties = Vec::new();
        for p in &t.properties {
            if !keep(&p.name) {
                continue;
            }
            let at = || loc(x.doc, p.pos, format!("{path}/Property[{}]", p.name));
            let pf = x.facts(&format!("{target}/{}", p.name), &p.annotations);
            let (nullable, availability) = clouds.of(&p.name, p.nullable);
            properties.push(PropertyDef {
                name: p.name.clone(),
                ty: self.type_ref(x, &p.r#type, at, ids)?,
                nullable,
                navigation: None,
                computed: pf.computed,
                immutable: pf.immutable,
                is_key: false,
                doc: pf.doc,
                in_every_cloud: clouds.everywhere(&availability),
                availability,
            });
        }
        for n in &t.navigation_properties {
            if !keep(&n.name) {
                continue;
            }
            let at = || {
                loc(
                    x.doc,
                    n.pos,
                    format!("{path}/NavigationProperty[{}]", n.name),
                )
            };
            let ntarget = format!("{target}/{}", n.name);
            let nf = x.facts(&ntarget, &n.annotations);
            let place = match n.contains_target {
                true => Place::Contained,
                false => Place::Related,
            };
            let (nullable, availability) = clouds.of(&n.name, n.nullable);
            properties.push(PropertyDef {
                name: n.name.clone(),
                ty: self.type_ref(x, &n.r#type, at, ids)?,
                nullable,
                navigation: Some(Navigation {
                    contains_target: n.contains_target,
                    partner: n.partner.clone(),
                    capabilities: nf.said.stated(),
                    resolved: nf.said.resolve(&ntarget, place),
                }),
                computed: nf.computed,
                immutable: nf.immutable,
                is_key: false,
                doc: nf.doc,
                in_every_cloud: clouds.everywhere(&availability),
                availability,
            });
        }
        Ok(properties)
    }
}

/// Where each property of a structured type is, across the documents that
/// declare the type, and whether any of them lets it be null.
struct PropertyClouds<'a> {
    /// The clouds that have the type.
    type_clouds: Availability,
    /// By name; `None` when one document declares the type, which then
    /// says it all (most types: no map to build).
    by_name: Option<HashMap<&'a str, (bool, Availability)>>,
    /// The clouds of the first declaration's document.
    first: Availability,
}

impl<'a> PropertyClouds<'a> {
    /// `type_clouds`: the clouds whose document has a type of that name.
    fn new(declarations: &[Declaration<'_, 'a>], type_clouds: Availability) -> Self {
        let first = Availability(
            declarations
                .iter()
                .take(1)
                .map(|d| d.cloud.to_string())
                .collect(),
        );
        if declarations.len() == 1 {
            return PropertyClouds {
                type_clouds,
                by_name: None,
                first,
            };
        }
        let mut by_name: HashMap<&'a str, (bool, Availability)> = HashMap::new();
        for d in declarations {
            for (name, _, nullable) in members(d.t) {
                let (null, clouds) = by_name
                    .entry(name)
                    .or_insert_with(|| (false, Availability(Vec::new())));
                *null |= nullable != Some(false);
                if !clouds.contains(d.cloud) {
                    clouds.0.push(d.cloud.to_string());
                }
            }
        }
        PropertyClouds {
            type_clouds,
            by_name: Some(by_name),
            first,
        }
    }

    /// Whether any document lets the property `name` be null (`nullable`
    /// is what the one at hand writes), and its clouds.
    fn of(&self, name: &str, nullable: Option<bool>) -> (bool, Availability) {
        match &self.by_name {
            None => (nullable != Some(false), self.first.clone()),
            Some(by_name) => {
                let (null, clouds) = &by_name[name];
                (*null, clouds.clone())
            }
        }
    }

    /// Every document with the type declares a property of these clouds.
    fn everywhere(&self, clouds: &Availability) -> bool {
        self.type_clouds.0.iter().all(|c| clouds.contains(c))
    }
}

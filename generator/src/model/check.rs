//! Checks of one whole document: every reference resolves, base types are
//! of the right kind and do not loop, names are unique and have Rust names.

use std::collections::{BTreeSet, HashMap};

use crate::csdl::ast::{
    EntityContainer, EnumType, Operation, OperationKind, Schema, SchemaItem, StructuredKind,
    StructuredType,
};
use crate::csdl::limits::MAX_BASE_TYPES;
use crate::error::{Error, ErrorKind, Result};

use super::index::{
    binding_key, loc, operation_path, other_parameters, overload_key, rust_name, schema_path,
    struct_path, underlying_type, Decl, Index, ResolvedSingle,
};
use super::names::{is_property_name, is_simple_identifier};
use super::Primitive;

impl Index<'_> {
    /// Checks the whole document: every reference resolves, base types are of
    /// the right kind and do not loop, names are unique.
    pub(super) fn check(&self) -> Result<()> {
        let doc = self.doc;
        let mut overloads = BTreeSet::new();
        for s in &doc.schemas {
            for item in &s.items {
                match item {
                    SchemaItem::EnumType(e) => self.check_enum(s, e)?,
                    SchemaItem::ComplexType(t) | SchemaItem::EntityType(t) => {
                        self.check_struct(s, t)?
                    }
                    SchemaItem::Action(o) | SchemaItem::Function(o) => {
                        self.check_operation(s, o)?;
                        let key = (s.namespace.as_str(), o.name.as_str(), overload_key(self, o));
                        if !overloads.insert(key) {
                            return Err(self.overload_declared_twice(s, o));
                        }
                    }
                    SchemaItem::EntityContainer(c) => self.check_container(s, c)?,
                    SchemaItem::Term(_) | SchemaItem::Annotations(_) => {}
                }
            }
        }
        Ok(())
    }

    fn check_enum(&self, s: &Schema, e: &EnumType) -> Result<()> {
        let path = format!("{}/EnumType[{}]", schema_path(s), e.name);
        if let Some(u) = &e.underlying_type {
            let ok = u
                .strip_prefix("Edm.")
                .and_then(Primitive::from_edm)
                .is_some_and(Primitive::is_integer);
            if !ok {
                return Err(Error::at(
                    ErrorKind::UnknownPrimitive,
                    loc(self.doc, e.pos, path),
                    format!("`{u}` is not an integer type an enum can have"),
                ));
            }
        }
        let underlying = underlying_type(e);
        let (min, max) = integer_range(underlying);
        // CSDL: a flags enum gives every member a non-negative value; a
        // non-flags enum gives values to all members or to none.
        let valued = e.members.iter().filter(|m| m.value.is_some()).count();
        let mixed = !e.is_flags && valued != 0 && valued != e.members.len();
        let mut seen = BTreeSet::new();
        let mut values: HashMap<i64, &str> = HashMap::new();
        for m in &e.members {
            let mpath = || format!("{path}/Member[{}]", m.name);
            if !is_simple_identifier(&m.name) {
                return Err(Error::at(
                    ErrorKind::InvalidName,
                    loc(self.doc, m.pos, mpath()),
                    format!("`{}` is not a valid member name", m.name),
                ));
            }
            rust_name(&m.name, "member name", || loc(self.doc, m.pos, mpath()))?;
            if !seen.insert(m.name.as_str()) {
                return Err(Error::at(
                    ErrorKind::DuplicateName,
                    loc(self.doc, m.pos, mpath()),
                    format!("member `{}` is declared twice", m.name),
                ));
            }
            let Some(v) = &m.value else {
                if e.is_flags || mixed {
                    let why = if e.is_flags {
                        "a member of a flags enum needs a value"
                    } else {
                        "some members of this enum have a value and this one has none: give all of them a value, or none"
                    };
                    return Err(Error::at(
                        ErrorKind::Syntax,
                        loc(self.doc, m.pos, mpath()),
                        why,
                    ));
                }
                continue;
            };
            let out_of_range = || {
                Error::at(
                    ErrorKind::Syntax,
                    loc(self.doc, m.pos, mpath()),
                    format!(
                        "member value `{v}` is out of the range of the underlying type \
                         `Edm.{underlying:?}` ({min} to {max})"
                    ),
                )
            };
            let text = v.trim();
            let Ok(value) = text.parse::<i64>() else {
                let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
                if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(out_of_range());
                }
                return Err(Error::at(
                    ErrorKind::Syntax,
                    loc(self.doc, m.pos, mpath()),
                    format!("member value `{v}` is not an integer"),
                ));
            };
            if value < min || value > max {
                return Err(out_of_range());
            }
            if e.is_flags {
                if value < 0 {
                    return Err(Error::at(
                        ErrorKind::Syntax,
                        loc(self.doc, m.pos, mpath()),
                        format!("member value `{v}` is negative; the members of a flags enum are non-negative"),
                    ));
                }
                // A member may combine others (15 = 1|2|4|8) or be zero
                // (`none`), but two members with the same value overlap.
                if let Some(first) = values.insert(value, &m.name) {
                    return Err(Error::at(
                        ErrorKind::DuplicateName,
                        loc(self.doc, m.pos, mpath()),
                        format!("member `{}` has the value {value} of member `{first}`: the members of a flags enum must have distinct values", m.name),
                    ));
                }
            }
        }
        Ok(())
    }

    fn check_struct(&self, s: &Schema, t: &StructuredType) -> Result<()> {
        let path = struct_path(s, t);
        let here = || loc(self.doc, t.pos, path.clone());
        // Base chain: right kind, no loop.
        let mut seen: Vec<(&str, &str)> = vec![(&s.namespace, &t.name)];
        let mut cur: (&Schema, &StructuredType) = (s, t);
        while let Some(base) = cur.1.base_type.as_deref() {
            let r = self.resolve(base, here)?;
            let ResolvedSingle::Named(qn, decl) = r.single else {
                return Err(Error::at(
                    ErrorKind::WrongBaseKind,
                    here(),
                    format!("base type `{base}` is a primitive type"),
                ));
            };
            let Decl::Struct(bs, bt) = decl else {
                return Err(Error::at(
                    ErrorKind::WrongBaseKind,
                    here(),
                    format!("base type `{base}` is an enum type"),
                ));
            };
            if r.collection {
                return Err(Error::at(
                    ErrorKind::WrongBaseKind,
                    here(),
                    format!("base type `{base}` is a collection"),
                ));
            }
            if bt.kind != cur.1.kind {
                let kinds = |k| match k {
                    StructuredKind::Complex => "a complex type",
                    StructuredKind::Entity => "an entity type",
                };
                return Err(Error::at(
                    ErrorKind::WrongBaseKind,
                    here(),
                    format!(
                        "`{}.{}` is {} and derives from `{qn}`, {}",
                        cur.0.namespace,
                        cur.1.name,
                        kinds(cur.1.kind),
                        kinds(bt.kind)
                    ),
                ));
            }
            let key = (bs.namespace.as_str(), bt.name.as_str());
            if seen.contains(&key) {
                let chain = seen
                    .iter()
                    .map(|(n, t)| format!("{n}.{t}"))
                    .chain([qn.to_string()])
                    .collect::<Vec<_>>()
                    .join(" -> ");
                return Err(Error::at(
                    ErrorKind::BaseTypeCycle,
                    here(),
                    format!("base types loop: {chain}"),
                ));
            }
            if seen.len() > MAX_BASE_TYPES {
                return Err(Error::at(
                    ErrorKind::Limit,
                    here(),
                    format!(
                        "more than {MAX_BASE_TYPES} base types above this type \
                         (csdl::limits::MAX_BASE_TYPES)"
                    ),
                ));
            }
            seen.push(key);
            cur = (bs, bt);
        }
        // Property names unique, including inherited ones.
        let mut names: HashMap<&str, String> = HashMap::new();
        let mut chain = vec![(s, t)];
        let mut c = (s, t);
        while let Some(b) = self.base(c.1) {
            chain.push(b);
            c = b;
        }
        for (cs, ct) in chain.iter().rev() {
            let owner = format!("{}.{}", cs.namespace, ct.name);
            let props = ct
                .properties
                .iter()
                .map(|p| (&p.name, p.pos, "Property"))
                .chain(
                    ct.navigation_properties
                        .iter()
                        .map(|n| (&n.name, n.pos, "NavigationProperty")),
                );
            for (name, pos, kind) in props {
                if let Some(prev) = names.insert(name, owner.clone()) {
                    // Report only on the type that declares the second one.
                    if std::ptr::eq(*ct, t) {
                        return Err(Error::at(
                            ErrorKind::DuplicateName,
                            loc(self.doc, pos, format!("{path}/{kind}[{name}]")),
                            format!("property `{name}` is already declared on `{prev}`"),
                        ));
                    }
                }
            }
        }
        for p in &t.properties {
            let at = || loc(self.doc, p.pos, format!("{path}/Property[{}]", p.name));
            if !is_property_name(&p.name) {
                return Err(Error::at(
                    ErrorKind::InvalidName,
                    at(),
                    format!("`{}` is not a valid property name", p.name),
                ));
            }
            rust_name(&p.name, "property name", at)?;
            let r = self.resolve(&p.r#type, at)?;
            if let ResolvedSingle::Named(qn, Decl::Struct(_, pt)) = &r.single {
                if pt.kind == StructuredKind::Entity {
                    return Err(Error::at(
                        ErrorKind::WrongBaseKind,
                        at(),
                        format!("structural property typed with entity type `{qn}`; use a NavigationProperty"),
                    ));
                }
            }
        }
        for n in &t.navigation_properties {
            let at = || {
                loc(
                    self.doc,
                    n.pos,
                    format!("{path}/NavigationProperty[{}]", n.name),
                )
            };
            if !is_simple_identifier(&n.name) {
                return Err(Error::at(
                    ErrorKind::InvalidName,
                    at(),
                    format!("`{}` is not a valid property name", n.name),
                ));
            }
            rust_name(&n.name, "property name", at)?;
            let r = self.resolve(&n.r#type, at)?;
            match r.single {
                ResolvedSingle::Named(_, Decl::Struct(_, nt))
                    if nt.kind == StructuredKind::Entity => {}
                _ => {
                    return Err(Error::at(
                        ErrorKind::UnknownType,
                        at(),
                        format!("navigation target `{}` is not an entity type", n.r#type),
                    ))
                }
            }
        }
        if let Some(key) = &t.key {
            if t.kind != StructuredKind::Entity {
                return Err(Error::at(
                    ErrorKind::Syntax,
                    here(),
                    "a complex type has no key",
                ));
            }
            for k in key {
                let declared = chain
                    .iter()
                    .any(|(_, ct)| ct.properties.iter().any(|p| p.name == k.name));
                if !declared {
                    return Err(Error::at(
                        ErrorKind::UnknownType,
                        loc(
                            self.doc,
                            k.pos,
                            format!("{path}/Key/PropertyRef[{}]", k.name),
                        ),
                        format!("key property `{}` is not a property of the type", k.name),
                    ));
                }
            }
        }
        Ok(())
    }

    fn check_operation(&self, s: &Schema, o: &Operation) -> Result<()> {
        let path = operation_path(s, o);
        if o.is_bound && o.parameters.is_empty() {
            return Err(Error::at(
                ErrorKind::Syntax,
                loc(self.doc, o.pos, path),
                "a bound operation needs its binding parameter, and has no parameters",
            ));
        }
        let mut seen = BTreeSet::new();
        for p in &o.parameters {
            let at = || loc(self.doc, p.pos, format!("{path}/Parameter[{}]", p.name));
            if !is_simple_identifier(&p.name) {
                return Err(Error::at(
                    ErrorKind::InvalidName,
                    at(),
                    format!("`{}` is not a valid parameter name", p.name),
                ));
            }
            rust_name(&p.name, "parameter name", at)?;
            if !seen.insert(p.name.as_str()) {
                return Err(Error::at(
                    ErrorKind::DuplicateName,
                    at(),
                    format!("parameter `{}` is declared twice", p.name),
                ));
            }
            self.resolve(&p.r#type, at)?;
        }
        if let Some(r) = &o.return_type {
            self.resolve(&r.r#type, || {
                loc(self.doc, r.pos, format!("{path}/ReturnType"))
            })?;
        }
        Ok(())
    }

    /// CSDL's rule for overloads, broken by `o`: which declarations it
    /// repeats, and why that is not an overload.
    fn overload_declared_twice(&self, s: &Schema, o: &Operation) -> Error {
        let name = format!("{}.{}", s.namespace, o.name);
        let binding = match binding_key(self, o) {
            b if b.is_empty() => "unbound".to_string(),
            b => format!("bound to `{b}`"),
        };
        let message = match o.kind {
            OperationKind::Action => format!(
                "action `{name}` {binding} is declared twice: CSDL allows one action of a name per binding type{}",
                if o.is_bound { "" } else { " and no overloads of unbound actions" }
            ),
            OperationKind::Function => format!(
                "function `{name}` {binding} with the parameters ({}) is declared twice: \
                 overloads of a function must differ in the names of their parameters",
                other_parameters(o).collect::<Vec<_>>().join(", ")
            ),
        };
        Error::at(
            ErrorKind::DuplicateName,
            loc(self.doc, o.pos, operation_path(s, o)),
            message,
        )
    }

    fn check_container(&self, s: &Schema, c: &EntityContainer) -> Result<()> {
        let path = format!("{}/EntityContainer[{}]", schema_path(s), c.name);
        let mut seen = BTreeSet::new();
        let children = c
            .entity_sets
            .iter()
            .map(|e| (&e.name, &e.entity_type, e.pos, "EntitySet"))
            .chain(
                c.singletons
                    .iter()
                    .map(|x| (&x.name, &x.r#type, x.pos, "Singleton")),
            );
        for (name, ty, pos, kind) in children {
            let at = || loc(self.doc, pos, format!("{path}/{kind}[{name}]"));
            if !seen.insert(name.as_str()) {
                return Err(Error::at(
                    ErrorKind::DuplicateName,
                    at(),
                    format!("`{name}` is declared twice in the container"),
                ));
            }
            let r = self.resolve(ty, at)?;
            let entity = matches!(r.single, ResolvedSingle::Named(_, Decl::Struct(_, t)) if t.kind == StructuredKind::Entity);
            if !entity || r.collection {
                return Err(Error::at(
                    ErrorKind::UnknownType,
                    at(),
                    format!("`{ty}` is not an entity type"),
                ));
            }
        }
        Ok(())
    }
}

/// The values an integer type holds, for enum member values.
fn integer_range(p: Primitive) -> (i64, i64) {
    match p {
        Primitive::Byte => (0, u8::MAX.into()),
        Primitive::SByte => (i8::MIN.into(), i8::MAX.into()),
        Primitive::Int16 => (i16::MIN.into(), i16::MAX.into()),
        Primitive::Int32 => (i32::MIN.into(), i32::MAX.into()),
        _ => (i64::MIN, i64::MAX),
    }
}

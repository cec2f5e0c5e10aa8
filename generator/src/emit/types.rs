//! The Rust type of a CSDL type reference (the Edm mapping lives here), as
//! written in one module: its own namespace's types by their bare names,
//! another namespace's through its module (`graph::PublicError`), Edm
//! types through `edm::`. What an item names is recorded, so that its
//! file imports exactly that.

use std::cell::RefCell;
use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Primitive, TypeId, TypeKind, TypeRef};

use super::plan::{Features, Plan};

/// An identifier from a name that may be a raw identifier (`r#type`).
pub fn ident(name: &str) -> proc_macro2::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// What an item file's items name from elsewhere, each with the features
/// under which something naming it is compiled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imports {
    /// Other namespaces' modules, by module name.
    pub modules: BTreeMap<String, Features>,
    /// Types of the file's own namespace declared in its other files.
    pub siblings: Option<Features>,
    /// `graphgen_runtime::edm`.
    pub edm: Option<Features>,
    /// `graphgen_runtime::Nullable`.
    pub nullable: Option<Features>,
}

impl Imports {
    /// Adds what another part of the file names.
    pub fn merge(&mut self, other: Imports) {
        for (module, features) in other.modules {
            self.modules.entry(module).or_default().extend(&features);
        }
        merge_one(&mut self.siblings, other.siblings);
        merge_one(&mut self.edm, other.edm);
        merge_one(&mut self.nullable, other.nullable);
    }
}

fn merge_one(into: &mut Option<Features>, from: Option<Features>) {
    if let Some(from) = from {
        into.get_or_insert_with(Features::default).extend(&from);
    }
}

/// Where an item is written: its module, its file and the features it is
/// compiled under; collects what it names.
pub struct Cx<'p, 'm> {
    pub plan: &'p Plan<'m>,
    /// The module's index in [`Plan::modules`].
    pub module: usize,
    /// The item file being written (types in it are not imported).
    pub file: super::plan::ItemFile,
    /// The features of the item (or the part of it) being written.
    features: RefCell<Features>,
    imports: RefCell<Imports>,
}

impl<'p, 'm> Cx<'p, 'm> {
    pub fn new(plan: &'p Plan<'m>, module: usize, file: super::plan::ItemFile) -> Self {
        Cx {
            plan,
            module,
            file,
            features: RefCell::new(Features::all()),
            imports: RefCell::new(Imports::default()),
        }
    }

    /// Names written from now on are needed under these features.
    pub fn set_features(&mut self, features: Features) {
        *self.features.get_mut() = features;
    }

    /// Runs `f` for a part of an item compiled under other features (one
    /// root function among several): what it names is needed only then.
    pub fn with_features<R>(&self, features: Features, f: impl FnOnce() -> R) -> R {
        let outer = self.features.replace(features);
        let result = f();
        *self.features.borrow_mut() = outer;
        result
    }

    fn features(&self) -> Features {
        self.features.borrow().clone()
    }

    pub fn into_imports(self) -> Imports {
        self.imports.into_inner()
    }

    /// `Name`, or `module::Name` for another namespace's type.
    pub fn type_path(&self, id: TypeId) -> TokenStream {
        self.path_of(id, &ident(self.plan.type_name(id)))
    }

    /// `crate::module::Name`, importing nothing: for a part of an item
    /// compiled under narrower features than the item (an `Any*` variant
    /// with its own `#[cfg]`), which an import under the item's features
    /// would leave unused.
    pub fn absolute_path(&self, id: TypeId) -> TokenStream {
        let plan = self.plan;
        let module = ident(plan.module_name(&plan.model.ty(id).name.namespace));
        let name = ident(plan.type_name(id));
        quote!(crate::#module::#name)
    }

    /// The `Any*` enum of a polymorphic declared type.
    pub fn any_path(&self, id: TypeId) -> Option<TokenStream> {
        let name = self.plan.any_name(id)?;
        Some(self.path_of(id, &ident(name)))
    }

    /// `Name`, or `module::Name`, of another item of the paths files (a
    /// capabilities marker) of `namespace`'s module.
    pub fn item_path(&self, namespace: &str, name: &str) -> TokenStream {
        self.named(namespace, super::plan::ItemFile::Paths, &ident(name))
    }

    fn path_of(&self, id: TypeId, name: &proc_macro2::Ident) -> TokenStream {
        let ty = self.plan.model.ty(id);
        self.named(
            &ty.name.namespace,
            super::plan::ItemFile::of(&ty.kind),
            name,
        )
    }

    /// An item of `namespace`'s module, in `file`, as this file names it.
    fn named(
        &self,
        namespace: &str,
        file: super::plan::ItemFile,
        name: &proc_macro2::Ident,
    ) -> TokenStream {
        let plan = self.plan;
        let module = plan.module_index(namespace);
        let mut imports = self.imports.borrow_mut();
        if module == self.module {
            if file != self.file {
                merge_one(&mut imports.siblings, Some(self.features()));
            }
            quote!(#name)
        } else {
            let module = &plan.modules[module].name;
            imports
                .modules
                .entry(module.clone())
                .or_default()
                .extend(&self.features());
            let module = ident(module);
            quote!(#module::#name)
        }
    }

    fn edm(&self, name: &str) -> TokenStream {
        merge_one(&mut self.imports.borrow_mut().edm, Some(self.features()));
        let name = ident(name);
        quote!(edm::#name)
    }

    /// `Nullable<T>`: a property of a generated struct.
    pub fn nullable(&self, ty: TokenStream) -> TokenStream {
        merge_one(
            &mut self.imports.borrow_mut().nullable,
            Some(self.features()),
        );
        quote!(Nullable<#ty>)
    }

    pub fn primitive(&self, p: Primitive) -> TokenStream {
        use Primitive::*;
        match p {
            String => quote!(String),
            Boolean => quote!(bool),
            Byte => quote!(u8),
            SByte => quote!(i8),
            Int16 => quote!(i16),
            Int32 => quote!(i32),
            Int64 => quote!(i64),
            Single => quote!(f32),
            Double => quote!(f64),
            Decimal => self.edm("Decimal"),
            Guid => self.edm("Guid"),
            Date => self.edm("Date"),
            DateTimeOffset => self.edm("DateTimeOffset"),
            TimeOfDay => self.edm("TimeOfDay"),
            Duration => self.edm("Duration"),
            Binary => self.edm("Binary"),
            // Untyped, streams and geo values (GeoJSON) are kept as JSON.
            Untyped
            | Stream
            | Geography
            | GeographyPoint
            | GeographyLineString
            | GeographyPolygon
            | GeographyMultiPoint
            | GeographyMultiLineString
            | GeographyMultiPolygon
            | GeographyCollection
            | Geometry
            | GeometryPoint
            | GeometryLineString
            | GeometryPolygon
            | GeometryMultiPoint
            | GeometryMultiLineString
            | GeometryMultiPolygon
            | GeometryCollection => quote!(serde_json::Value),
        }
    }

    /// The Rust type of a value of `ty` held by `owner` (which decides boxing).
    pub fn rust_type(&self, owner: Option<TypeId>, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::Primitive(p) => self.primitive(*p),
            TypeRef::Collection(inner) => {
                let inner = self.rust_type(None, inner);
                quote!(Vec<#inner>)
            }
            TypeRef::Named(id) => {
                let id = *id;
                if let Some(any) = self.any_path(id) {
                    return any;
                }
                let path = self.type_path(id);
                match &self.plan.model.ty(id).kind {
                    TypeKind::Enum(e) if e.is_flags => quote!(graphgen_runtime::Flags<#path>),
                    TypeKind::Enum(_) => path,
                    _ if owner.is_some_and(|o| self.plan.is_boxed(o, ty)) => quote!(Box<#path>),
                    _ => path,
                }
            }
        }
    }
}

/// How a type is written in docs: `Collection(microsoft.graph.entity)`.
pub fn csdl_type(plan: &Plan<'_>, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Primitive(p) => format!("Edm.{p:?}"),
        TypeRef::Named(id) => plan.model.ty(*id).name.to_string(),
        TypeRef::Collection(inner) => format!("Collection({})", csdl_type(plan, inner)),
    }
}

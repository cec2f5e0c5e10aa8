//! Decisions made once for the whole crate before any code is written: the
//! module of each namespace, the Rust name of each type, which declared types
//! need a polymorphic enum, and which fields must be boxed to break cycles.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::Result;
use crate::model::{Model, OperationDef, Primitive, TypeId, TypeKind, TypeRef};

use super::capabilities::{self, Owner};
use super::clouds::CloudSet;
use super::naming::{self, Scope};
use super::Options;

/// A namespace and the module it becomes.
#[derive(Debug, Clone)]
pub struct ModulePlan {
    pub namespace: String,
    pub name: String,
    pub types: Vec<TypeId>,
    /// Indexes into `Model::operations`.
    pub operations: Vec<usize>,
}

/// The item files of a namespace module, one per kind of item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ItemFile {
    ComplexTypes,
    EntityTypes,
    Enums,
    Operations,
    /// The resource API: roots, navigation traits, capabilities.
    Paths,
}

impl ItemFile {
    pub const ALL: [ItemFile; 5] = [
        ItemFile::ComplexTypes,
        ItemFile::EntityTypes,
        ItemFile::Enums,
        ItemFile::Operations,
        ItemFile::Paths,
    ];

    /// The module name (and file stem).
    pub fn module(self) -> &'static str {
        match self {
            ItemFile::ComplexTypes => "complex_types",
            ItemFile::EntityTypes => "entity_types",
            ItemFile::Enums => "enums",
            ItemFile::Operations => "operations",
            ItemFile::Paths => "paths",
        }
    }

    /// The file a type's items go to.
    pub fn of(kind: &TypeKind) -> ItemFile {
        match kind {
            TypeKind::Enum(_) => ItemFile::Enums,
            TypeKind::Complex(_) => ItemFile::ComplexTypes,
            TypeKind::Entity(_) => ItemFile::EntityTypes,
        }
    }

    /// What the file holds, for its docs.
    pub fn what(self) -> &'static str {
        match self {
            ItemFile::ComplexTypes => "Complex types",
            ItemFile::EntityTypes => "Entity types",
            ItemFile::Enums => "Enum types",
            ItemFile::Operations => "Bound operations",
            ItemFile::Paths => "Paths to the resources",
        }
    }
}

/// An item (or a few) of a module's paths file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathUnit {
    /// The functions of the roots whose entity type is in the module.
    Roots(Vec<usize>),
    /// The navigation trait of an entity type.
    Nav(TypeId),
    /// A capabilities marker.
    Caps(Owner),
    /// How a long-running operation's resource says it is done.
    Status(TypeId),
}

pub struct Plan<'m> {
    pub model: &'m Model,
    pub options: &'m Options,
    pub modules: Vec<ModulePlan>,
    module_of_ns: HashMap<&'m str, usize>,
    type_names: Vec<String>,
    /// Polymorphic enum names, for types used as a declared type that have derived types.
    any_names: HashMap<TypeId, String>,
    /// Operation type names, by index into `Model::operations`.
    operation_names: Vec<String>,
    /// The navigation trait of each entity type a path addresses one of
    /// and that has navigation properties.
    nav_traits: BTreeMap<TypeId, String>,
    /// The capabilities marker of each root and navigation property whose
    /// capabilities are not the runtime's standard ones.
    caps_names: HashMap<Owner, String>,
    /// Types whose single-valued fields of a type in the same strongly
    /// connected component must be boxed.
    component: Vec<usize>,
    recursive: HashSet<usize>,
    /// Cargo features, one per selected namespace (its module name), sorted;
    /// empty when only one namespace is selected.
    pub features: Vec<String>,
    /// For each type, the features whose namespace's closure holds it.
    needed_by: Vec<Features>,
}

/// The cargo features under which an item is compiled: always, or when
/// any of a set is on (indexes into [`Plan::features`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    always: bool,
    any: BTreeSet<usize>,
}

impl Features {
    /// Compiled whatever features are on.
    pub fn all() -> Self {
        Features {
            always: true,
            any: BTreeSet::new(),
        }
    }

    /// Compiled also when `other` is.
    pub fn extend(&mut self, other: &Features) {
        self.always |= other.always;
        self.any.extend(&other.any);
    }
}

impl<'m> Plan<'m> {
    pub fn new(model: &'m Model, options: &'m Options) -> Result<Plan<'m>> {
        for label in &model.clouds {
            super::clouds::clouds_of_label(label)?;
        }
        let mut modules: Vec<ModulePlan> = Vec::new();
        let mut module_of_ns = HashMap::new();
        let mut module_scope = Scope::new();
        for ns in &model.namespaces {
            let name = module_scope.claim(naming::module_name(ns, &options.namespace_prefix));
            module_of_ns.insert(ns.as_str(), modules.len());
            modules.push(ModulePlan {
                namespace: ns.clone(),
                name,
                types: Vec::new(),
                operations: Vec::new(),
            });
        }
        for (i, t) in model.types.iter().enumerate() {
            modules[module_of_ns[t.name.namespace.as_str()]]
                .types
                .push(TypeId(i as u32));
        }
        for (i, o) in model.operations.iter().enumerate() {
            modules[module_of_ns[o.name.namespace.as_str()]]
                .operations
                .push(i);
        }

        // Which declared types are polymorphic: used somewhere as a declared
        // type, with derived types in the model.
        let mut used: HashSet<TypeId> = HashSet::new();
        for t in &model.types {
            if let TypeKind::Complex(s) | TypeKind::Entity(s) = &t.kind {
                used.extend(s.properties.iter().filter_map(|p| p.ty.named()));
            }
        }
        for o in &model.operations {
            used.extend(o.parameters.iter().filter_map(|p| p.ty.named()));
            used.extend(o.return_type.iter().filter_map(|r| r.ty.named()));
        }
        let polymorphic: HashSet<TypeId> = used
            .into_iter()
            .filter(|&id| model.structure(id).is_some_and(|s| !s.derived.is_empty()))
            .collect();

        // Names, one scope per module, in type order, so they are stable.
        let mut scopes: Vec<Scope> = modules.iter().map(|_| Scope::new()).collect();
        let mut type_names = Vec::with_capacity(model.types.len());
        for t in &model.types {
            let m = module_of_ns[t.name.namespace.as_str()];
            type_names.push(scopes[m].claim(naming::type_name(&t.name.name)));
        }
        let mut any_ids: Vec<TypeId> = polymorphic.into_iter().collect();
        any_ids.sort();
        let mut any_names = HashMap::new();
        for id in any_ids {
            let t = model.ty(id);
            let m = module_of_ns[t.name.namespace.as_str()];
            let name = scopes[m].claim(format!("Any{}", type_names[id.0 as usize]));
            any_names.insert(id, name);
        }
        let mut operation_names = Vec::new();
        for o in &model.operations {
            let m = module_of_ns[o.name.namespace.as_str()];
            operation_names.push(scopes[m].claim(naming::operation_name(&o.name.name)));
        }

        // The resource API's names, after the types' so that no type is
        // renamed for a path's sake.
        let mut nav_traits = BTreeMap::new();
        let addressed: BTreeSet<TypeId> = model
            .resources
            .iter()
            .filter(|r| !r.collection)
            .map(|r| r.entity)
            .collect();
        for &id in &addressed {
            if !capabilities::navigations(model, id).is_empty() {
                let m = module_of_ns[model.ty(id).name.namespace.as_str()];
                let name = scopes[m].claim(format!("{}Nav", type_names[id.0 as usize]));
                nav_traits.insert(id, name);
            }
        }
        let mut caps_names = HashMap::new();
        for (i, root) in model.roots.iter().enumerate() {
            let owner = Owner::Root(i);
            if capabilities::caps(model, &owner, root.entity, root.collection)
                .standard(root.collection)
                .is_none()
            {
                let m = module_of_ns[model.ty(root.entity).name.namespace.as_str()];
                let name = scopes[m].claim(format!("{}Caps", naming::type_name(&root.name)));
                caps_names.insert(owner, name);
            }
        }
        for &id in nav_traits.keys() {
            for (declaring, p, _) in capabilities::navigations(model, id) {
                let owner = Owner::Navigation {
                    declaring,
                    property: p.name.clone(),
                };
                let Some(target) = p.ty.named() else { continue };
                let collection = p.ty.is_collection();
                if caps_names.contains_key(&owner)
                    || capabilities::caps(model, &owner, target, collection)
                        .standard(collection)
                        .is_some()
                {
                    continue;
                }
                let m = module_of_ns[model.ty(declaring).name.namespace.as_str()];
                let name = scopes[m].claim(format!(
                    "{}{}Caps",
                    type_names[declaring.0 as usize],
                    naming::type_name(&p.name)
                ));
                caps_names.insert(owner, name);
            }
        }

        let mut plan = Plan {
            model,
            options,
            modules,
            module_of_ns,
            type_names,
            any_names,
            operation_names,
            nav_traits,
            caps_names,
            component: Vec::new(),
            recursive: HashSet::new(),
            features: Vec::new(),
            needed_by: Vec::new(),
        };
        plan.find_cycles();
        plan.find_features();
        Ok(plan)
    }

    pub fn module_name(&self, namespace: &str) -> &str {
        &self.modules[self.module_index(namespace)].name
    }

    /// The index in [`modules`](Self::modules) of a namespace's module.
    pub fn module_index(&self, namespace: &str) -> usize {
        self.module_of_ns[namespace]
    }

    pub fn type_name(&self, id: TypeId) -> &str {
        &self.type_names[id.0 as usize]
    }

    pub fn any_name(&self, id: TypeId) -> Option<&str> {
        self.any_names.get(&id).map(String::as_str)
    }

    pub fn operation_name(&self, index: usize) -> &str {
        &self.operation_names[index]
    }

    /// The navigation trait of an entity type, if it has one.
    pub fn nav_trait(&self, id: TypeId) -> Option<&str> {
        self.nav_traits.get(&id).map(String::as_str)
    }

    /// The entity types with a navigation trait, in order.
    pub fn nav_trait_types(&self) -> impl Iterator<Item = TypeId> + '_ {
        self.nav_traits.keys().copied()
    }

    /// The capabilities marker generated for a root or navigation property,
    /// if its capabilities are not the runtime's standard ones.
    pub fn caps_name(&self, owner: &Owner) -> Option<&str> {
        self.caps_names.get(owner).map(String::as_str)
    }

    pub fn operation(&self, index: usize) -> &'m OperationDef {
        &self.model.operations[index]
    }

    /// A complex type that can carry no data as declared (no properties, no
    /// base, no derived types, closed): Graph uses such types (`graph.Json`)
    /// for arbitrary JSON, so it becomes `serde_json::Value`.
    pub fn is_json_alias(&self, id: TypeId) -> bool {
        match &self.model.ty(id).kind {
            TypeKind::Complex(s) => {
                s.properties.is_empty() && s.base.is_none() && s.derived.is_empty() && !s.is_open
            }
            _ => false,
        }
    }

    /// Whether anything in the model is deprecated (Core.Revisions).
    pub fn has_deprecations(&self) -> bool {
        self.model.types.iter().any(|t| {
            t.doc.deprecation.is_some()
                || match &t.kind {
                    TypeKind::Enum(e) => e.members.iter().any(|m| m.doc.deprecation.is_some()),
                    TypeKind::Complex(s) | TypeKind::Entity(s) => {
                        s.properties.iter().any(|p| p.doc.deprecation.is_some())
                    }
                }
        }) || self
            .model
            .operations
            .iter()
            .any(|o| o.doc.deprecation.is_some())
    }

    /// Open if the type or any base type is open (openness is inherited).
    pub fn is_open(&self, id: TypeId) -> bool {
        std::iter::once(id)
            .chain(self.model.ancestors(id))
            .any(|t| self.model.structure(t).is_some_and(|s| s.is_open))
    }

    /// Whether a single-valued field of type `target` inside `owner` must be
    /// boxed: when `target` can (transitively) contain `owner` by value.
    pub fn needs_box(&self, owner: TypeId, target: TypeId) -> bool {
        let (o, t) = (owner.0 as usize, target.0 as usize);
        self.component[o] == self.component[t] && self.recursive.contains(&self.component[o])
    }

    /// Whether a single-valued field of type `ty` inside `owner` is written
    /// `Box<T>`: a struct type (not a polymorphic enum, which boxes its
    /// variants) that can contain `owner` by value.
    pub fn is_boxed(&self, owner: TypeId, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Named(t) => {
                self.model.structure(*t).is_some()
                    && !self.any_names.contains_key(t)
                    && self.needs_box(owner, *t)
            }
            _ => false,
        }
    }

    /// The stream properties and other fields that have no JSON form are skipped.
    pub fn is_skipped(ty: &TypeRef) -> bool {
        matches!(ty.element(), TypeRef::Primitive(Primitive::Stream))
    }

    /// Edges of "contains by value": a struct to the struct type of each of
    /// its single-valued fields (inherited ones included) that is not boxed
    /// anyway (polymorphic enums box their variants).
    fn value_edges(&self, id: TypeId) -> Vec<TypeId> {
        if self.model.structure(id).is_none() {
            return Vec::new();
        }
        self.model
            .all_properties(id)
            .into_iter()
            .filter_map(|p| match &p.ty {
                TypeRef::Named(t)
                    if self.model.structure(*t).is_some()
                        && !self.any_names.contains_key(t)
                        && !self.is_json_alias(*t) =>
                {
                    Some(*t)
                }
                _ => None,
            })
            .collect()
    }

    /// Tarjan's strongly connected components over value edges, iteratively.
    fn find_cycles(&mut self) {
        let n = self.model.types.len();
        let edges: Vec<Vec<TypeId>> = (0..n).map(|i| self.value_edges(TypeId(i as u32))).collect();
        let mut index = vec![usize::MAX; n];
        let mut low = vec![0; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut component = vec![usize::MAX; n];
        let mut recursive = HashSet::new();
        let mut next_index = 0;
        let mut next_component = 0;
        for root in 0..n {
            if index[root] != usize::MAX {
                continue;
            }
            // (node, next edge to visit)
            let mut work = vec![(root, 0usize)];
            index[root] = next_index;
            low[root] = next_index;
            next_index += 1;
            stack.push(root);
            on_stack[root] = true;
            while let Some(&mut (v, ref mut ei)) = work.last_mut() {
                if *ei < edges[v].len() {
                    let w = edges[v][*ei].0 as usize;
                    *ei += 1;
                    if index[w] == usize::MAX {
                        index[w] = next_index;
                        low[w] = next_index;
                        next_index += 1;
                        stack.push(w);
                        on_stack[w] = true;
                        work.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut members = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component[w] = next_component;
                        members.push(w);
                        if w == v {
                            break;
                        }
                    }
                    let self_loop = edges[v].iter().any(|t| t.0 as usize == v);
                    if members.len() > 1 || self_loop {
                        recursive.insert(next_component);
                    }
                    next_component += 1;
                }
            }
        }
        self.component = component;
        self.recursive = recursive;
    }

    /// One feature per selected namespace, and which types each one needs:
    /// the namespace's own types and operations and, transitively, the types
    /// they reference (base types, property and parameter types).
    fn find_features(&mut self) {
        let model = self.model;
        if model.selected.len() < 2 {
            return;
        }
        let mut features: Vec<(String, &str)> = model
            .selected
            .iter()
            .map(|ns| {
                (
                    naming::namespace_feature(&self.modules[self.module_of_ns[ns.as_str()]].name),
                    ns.as_str(),
                )
            })
            .collect();
        features.sort();
        let mut needed_by = vec![Features::default(); model.types.len()];
        for (f, (_, ns)) in features.iter().enumerate() {
            let mut seen = vec![false; model.types.len()];
            let mut stack: Vec<TypeId> = model
                .types
                .iter()
                .enumerate()
                .filter(|(_, t)| t.name.namespace == *ns)
                .map(|(i, _)| TypeId(i as u32))
                .collect();
            for o in model.operations.iter().filter(|o| o.name.namespace == *ns) {
                stack.extend(o.binding.named());
                stack.extend(o.parameters.iter().filter_map(|p| p.ty.named()));
                stack.extend(o.return_type.iter().filter_map(|r| r.ty.named()));
            }
            while let Some(id) = stack.pop() {
                if std::mem::replace(&mut seen[id.0 as usize], true) {
                    continue;
                }
                needed_by[id.0 as usize].any.insert(f);
                if let Some(s) = model.structure(id) {
                    stack.extend(s.base);
                    stack.extend(s.properties.iter().filter_map(|p| p.ty.named()));
                }
            }
        }
        self.features = features.into_iter().map(|(name, _)| name).collect();
        self.needed_by = needed_by;
    }

    /// The features under which a type's items are compiled.
    pub fn type_features(&self, id: TypeId) -> Features {
        match self.needed_by.get(id.0 as usize) {
            Some(features) => features.clone(),
            None => Features::all(),
        }
    }

    /// The features under which an operation of `namespace` is compiled:
    /// its namespace's.
    pub fn namespace_features(&self, namespace: &str) -> Features {
        let name = naming::namespace_feature(self.module_name(namespace));
        match self.features.iter().position(|f| *f == name) {
            Some(f) => Features {
                always: false,
                any: BTreeSet::from([f]),
            },
            None => Features::all(),
        }
    }

    /// `#[cfg(...)]` for items compiled under `features`: nothing when they
    /// are always compiled (or every feature needs them).
    pub fn cfg(&self, features: &Features) -> TokenStream {
        if features.always || self.features.is_empty() || features.any.len() == self.features.len()
        {
            return TokenStream::new();
        }
        let names = features.any.iter().map(|&f| self.features[f].as_str());
        match features.any.len() {
            1 => quote!(#[cfg(#(feature = #names)*)]),
            _ => quote!(#[cfg(any(#(feature = #names),*))]),
        }
    }

    /// Whether a module has items of this kind (the file exists).
    pub fn has_file(&self, module: &ModulePlan, file: ItemFile) -> bool {
        match file {
            ItemFile::Operations => module
                .operations
                .iter()
                .any(|&i| self.operation(i).placement.is_ok()),
            ItemFile::Paths => !self.path_units(module).is_empty(),
            kind => module
                .types
                .iter()
                .any(|&id| ItemFile::of(&self.model.ty(id).kind) == kind),
        }
    }

    /// The items of a module's paths file, in file order.
    pub fn path_units(&self, module: &ModulePlan) -> Vec<PathUnit> {
        let model = self.model;
        let here = |id: TypeId| model.ty(id).name.namespace == module.namespace;
        let mut units = Vec::new();
        let roots: Vec<usize> = (0..model.roots.len())
            .filter(|&i| here(model.roots[i].entity))
            .collect();
        if !roots.is_empty() {
            units.push(PathUnit::Roots(roots));
        }
        units.extend(
            self.nav_traits
                .keys()
                .filter(|&&id| here(id))
                .map(|&id| PathUnit::Nav(id)),
        );
        let mut caps: Vec<(&String, &Owner)> = self
            .caps_names
            .iter()
            .filter(|(owner, _)| match owner {
                Owner::Root(i) => here(model.roots[*i].entity),
                Owner::Navigation { declaring, .. } => here(*declaring),
            })
            .map(|(owner, name)| (name, owner))
            .collect();
        caps.sort_by(|a, b| a.0.cmp(b.0));
        units.extend(
            caps.into_iter()
                .map(|(_, owner)| PathUnit::Caps(owner.clone())),
        );
        let mut statuses: Vec<TypeId> = model
            .service_facts
            .iter()
            .filter_map(|f| match &f.fact {
                crate::model::Fact::LongRunningUpdate(f) => Some(f.operation),
                _ => None,
            })
            .filter(|&id| here(id))
            .collect();
        statuses.sort();
        statuses.dedup();
        units.extend(statuses.into_iter().map(PathUnit::Status));
        units
    }

    /// The features under which a paths unit is compiled: its types'.
    pub fn path_unit_features(&self, unit: &PathUnit) -> Features {
        let model = self.model;
        match unit {
            PathUnit::Roots(roots) => {
                let mut features = Features::default();
                for &i in roots {
                    features.extend(&self.type_features(model.roots[i].entity));
                }
                features
            }
            PathUnit::Nav(id) | PathUnit::Status(id) => self.type_features(*id),
            PathUnit::Caps(Owner::Root(i)) => self.type_features(model.roots[*i].entity),
            PathUnit::Caps(Owner::Navigation { declaring, .. }) => self.type_features(*declaring),
        }
    }

    /// Availability of an element as clouds.
    pub fn clouds(&self, availability: &crate::model::Availability) -> CloudSet {
        CloudSet::new(availability, &self.model.clouds).expect("labels were checked in Plan::new")
    }

    /// The modules by namespace, for the crate root.
    pub fn module_names(&self) -> BTreeMap<&str, &str> {
        self.modules
            .iter()
            .map(|m| (m.name.as_str(), m.namespace.as_str()))
            .collect()
    }
}

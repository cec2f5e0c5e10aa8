//! `Serialize` and `Deserialize` of generated structs, written out rather
//! than derived.
//!
//! serde's derives also read structs from sequences, match member names as
//! integers and bytes, track duplicates and count skipped fields twice; none
//! of it serves JSON objects, and over the ~22,000 fields of the whole Graph
//! it was the largest part of `cargo check`. Written out, a field costs a
//! local, a match arm and a line of serialization.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// One member of the JSON object.
pub struct WireField<'a> {
    pub ident: Ident,
    /// The member name on the wire.
    pub json: &'a str,
    /// A required field is its plain type; an optional one is `Option<_>`,
    /// left out when `None`.
    pub required: bool,
}

/// `impl Serialize`, `impl Object` and `impl Deserialize` for the struct
/// `name` of the OData type `qualified`. With `additional`, members the type
/// does not declare are kept in that map field and written back after the
/// declared ones. A struct with no required field must implement `Default`:
/// it is read in place.
///
/// Both take the shapes rustc checks fastest (measured): a plain call per
/// member written (the runtime's `Writer` keeps the first error), one `?`
/// per member read with the runtime's `set` doing the rest, and no local
/// per field where `Default` gives the starting value.
pub fn impls(
    name: &Ident,
    qualified: &str,
    fields: &[WireField<'_>],
    additional: Option<&Ident>,
    cfg: &TokenStream,
) -> TokenStream {
    let writes = fields.iter().map(|f| {
        let (ident, json) = (&f.ident, f.json);
        if f.required {
            quote!(object.required(#json, &self.#ident);)
        } else {
            quote!(object.optional(#json, &self.#ident);)
        }
    });
    let write_additional = additional.map(|a| quote!(object.extra(&self.#a);));
    // `object` is never written to in a struct with no members at all.
    let writer_binding = if fields.is_empty() && additional.is_none() {
        quote!(object)
    } else {
        quote!(mut object)
    };

    let in_place = !fields.iter().any(|f| f.required);
    let read = if in_place {
        read_in_place(fields, additional)
    } else {
        read_locals(fields, additional)
    };

    quote! {
        #cfg
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let #writer_binding = graphgen_runtime::object::Writer::new(serializer)?;
                #(#writes)*
                #write_additional
                object.end()
            }
        }

        #cfg
        impl graphgen_runtime::object::Object for #name {
            const NAME: &'static str = #qualified;

            fn read<'de, A: serde::de::MapAccess<'de>>(mut __map: A) -> Result<Self, A::Error> {
                #read
            }
        }

        #cfg
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                graphgen_runtime::object::deserialize(deserializer)
            }
        }
    }
}

/// The loop over the members: `slot(field)` is where a member's value goes.
/// The map and the key get names no field can have.
fn member_loop(
    fields: &[WireField<'_>],
    additional: Option<TokenStream>,
    slot: impl Fn(&WireField<'_>) -> TokenStream,
) -> TokenStream {
    let arms = fields.iter().map(|f| {
        let json = f.json;
        let slot = slot(f);
        if f.required {
            quote!(#json => graphgen_runtime::object::set_some(&mut __map, #slot),)
        } else {
            quote!(#json => graphgen_runtime::object::set(&mut __map, #slot),)
        }
    });
    let other = match additional {
        Some(extra) => quote!(graphgen_runtime::object::keep(&mut __map, __key, #extra)),
        None => quote!(graphgen_runtime::object::skip(&mut __map)),
    };
    let member = if fields.is_empty() {
        quote!(#other?;)
    } else {
        quote! {
            match __key.as_str() {
                #(#arms)*
                _ => #other,
            }?;
        }
    };
    quote! {
        while let Some(__key) = __map.next_key::<graphgen_runtime::object::Key<'de>>()? {
            #member
        }
    }
}

/// Every field optional: start from `Default` and read into the fields.
fn read_in_place(fields: &[WireField<'_>], additional: Option<&Ident>) -> TokenStream {
    let extra = additional.map(|a| quote!(&mut object.#a));
    let members = member_loop(fields, extra, |f| {
        let ident = &f.ident;
        quote!(&mut object.#ident)
    });
    let binding = if fields.is_empty() && additional.is_none() {
        quote!(object)
    } else {
        quote!(mut object)
    };
    quote! {
        let #binding = Self::default();
        #members
        Ok(object)
    }
}

/// Some field required: a local per field, then the struct.
fn read_locals(fields: &[WireField<'_>], additional: Option<&Ident>) -> TokenStream {
    let locals = fields.iter().map(|f| {
        let ident = &f.ident;
        quote!(let mut #ident = None;)
    });
    let additional_local = additional.map(|a| quote!(let mut #a = serde_json::Map::new();));
    let extra = additional.map(|a| quote!(&mut #a));
    let members = member_loop(fields, extra, |f| {
        let ident = &f.ident;
        quote!(&mut #ident)
    });
    let inits = fields.iter().map(|f| {
        let (ident, json) = (&f.ident, f.json);
        if f.required {
            quote!(#ident: graphgen_runtime::object::required(#ident, #json)?,)
        } else {
            quote!(#ident,)
        }
    });
    let additional_init = additional.map(|a| quote!(#a,));
    quote! {
        #(#locals)*
        #additional_local
        #members
        Ok(Self {
            #(#inits)*
            #additional_init
        })
    }
}

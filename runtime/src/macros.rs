//! The macros generated code invokes: each generated type is its plain,
//! documented declaration followed by one invocation listing its members,
//! and the fixed-shape impls come from here.
//!
//! - [`object!`](crate::object!): a struct read and written as a JSON
//!   object (`Serialize`, `Deserialize`, `Debug`, [`Object`](crate::object::Object)),
//!   with its constructor and base views.
//! - [`open_enum!`](crate::open_enum!): an enum that keeps members it does
//!   not know ([`EnumMember`](crate::EnumMember), `FromStr`, `Display`, serde).
//! - [`dispatch!`](crate::dispatch!): a polymorphic `Any*` enum told apart
//!   by `@odata.type`.
//! - [`operation!`](crate::operation!): the request type of a bound action
//!   or function ([`Operation`](crate::Operation)).
//!
//! The expansions keep the shapes rustc checks fastest (measured on the
//! whole of Microsoft Graph): one plain call per member written, one match
//! arm per member read with the runtime doing the rest, errors matched out
//! rather than passed on with `?`, and no local per field where `Default`
//! gives the starting value.

/// The impls of a generated struct read and written as a JSON object.
///
/// Members are listed in declaration order as `field: Type = "wireName"`,
/// each a [`Nullable<Type>`](crate::Nullable) field with a setter of its
/// name that takes a value or `Nullable::Null`; `..field` names the map that
/// keeps an open type's undeclared members. The struct implements `Default` and
/// is read in place: any member may be absent, whatever the metadata
/// requires. `new(...)` takes what a value the user builds must hold (the
/// properties the metadata requires), each set to a value and the rest
/// absent: `name: T` takes `impl Into<T>`, and a collection's `name in T`
/// any iterator of `impl Into<T>`. Each `fn into_base() -> Base { fields };` is a view of the value
/// as one of its base types.
///
/// ```
/// use graphgen_runtime::edm::DateTimeOffset;
/// use graphgen_runtime::Nullable;
///
/// #[derive(Clone, PartialEq, Default)]
/// pub struct Entity {
///     pub id: Nullable<String>,
/// }
///
/// graphgen_runtime::object! {
///     Entity = "contoso.entity" {
///         id: String = "id",
///     }
/// }
///
/// #[derive(Clone, PartialEq, Default)]
/// pub struct Activity {
///     pub id: Nullable<String>,
///     pub start_date_time: Nullable<DateTimeOffset>,
///     pub r#type: Nullable<String>,
///     pub tags: Nullable<Vec<String>>,
/// }
///
/// graphgen_runtime::object! {
///     Activity = "contoso.activity" {
///         id: String = "id",
///         start_date_time: DateTimeOffset = "startDateTime",
///         r#type: String = "type",
///         tags: Vec<String> = "tags",
///     }
///     new(start_date_time: DateTimeOffset, r#type: String, tags in String);
///     fn into_entity() -> Entity { id };
/// }
///
/// let activity: Activity =
///     serde_json::from_str(r#"{"type":"created","startDateTime":"2021-04-06T18:04:31Z"}"#)?;
/// assert_eq!(activity.r#type.value().map(String::as_str), Some("created"));
/// assert_eq!(
///     serde_json::to_string(&activity)?,
///     r#"{"startDateTime":"2021-04-06T18:04:31Z","type":"created"}"#
/// );
/// assert_eq!(format!("{activity:?}"), r#"Activity { start_date_time: DateTimeOffset("2021-04-06T18:04:31Z"), type: "created", .. }"#);
/// // A response may leave out what a request must hold.
/// let selected: Activity = serde_json::from_str(r#"{"id":"a"}"#)?;
/// assert!(selected.start_date_time.is_absent());
/// let start = DateTimeOffset::new("2021-04-06T18:04:31Z")?;
/// let built = Activity::new(start, "created", ["hr", "payroll"]).id("1");
/// assert_eq!(built.tags.value().map(Vec::len), Some(2));
/// assert_eq!(built.into_entity().id.value().map(String::as_str), Some("1"));
/// let cleared = Activity::default().r#type(Nullable::Null);
/// assert_eq!(serde_json::to_string(&cleared)?, r#"{"type":null}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[macro_export]
macro_rules! object {
    (
        $name:ident = $qualified:literal {
            $($field:ident: $ty:ty = $wire:literal),* $(,)?
            $(..$extra:ident)?
        }
        $(new($($param:ident $sep:tt $param_ty:ty),* $(,)?);)?
        $(fn $view:ident() -> $base:path { $($base_field:ident),* $(,)? };)*
    ) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> $crate::__private::Result<S::Ok, S::Error> {
                $crate::object::serialize(self, serializer)
            }
        }
        impl ::core::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                // The type's and its members' names, in one expansion (an
                // expansion per member cost seconds on the whole of Graph).
                $crate::object::debug(self, ::core::stringify!($name $($field)* $($extra)?), f)
            }
        }
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> $crate::__private::Result<Self, D::Error> {
                $crate::object::deserialize(deserializer)
            }
        }
        impl $crate::object::Object for $name {
            const NAME: &'static str = $qualified;
            #[allow(unused_variables)]
            fn members<M: $crate::object::MemberSink>(&self, out: &mut M) {
                $(out.member($wire, &self.$field);)*
                $(out.extra(&self.$extra);)?
            }
            fn read<'de, A: $crate::__private::serde::de::MapAccess<'de>>(
                mut map: A,
            ) -> $crate::__private::Result<Self, A::Error> {
                #[allow(unused_mut)]
                let mut object = <Self as $crate::__private::Default>::default();
                loop {
                    let key = match map.next_key::<$crate::object::Key<'de>>() {
                        $crate::__private::Ok($crate::__private::Some(key)) => key,
                        $crate::__private::Ok($crate::__private::None) => break,
                        $crate::__private::Err(e) => return $crate::__private::Err(e),
                    };
                    let read = match key.as_str() {
                        $($wire => $crate::object::set(&mut map, &mut object.$field),)*
                        _ => $crate::object::other(&mut map, key, [$(&mut object.$extra)?]),
                    };
                    if let $crate::__private::Err(e) = read {
                        return $crate::__private::Err(e);
                    }
                }
                $crate::__private::Ok(object)
            }
        }
        impl $name {
            $(
                /// Sets this property: a value, or `Nullable::Null` to clear it.
                pub fn $field(mut self, value: impl ::core::convert::Into<$crate::Nullable<$ty>>) -> Self {
                    self.$field = value.into();
                    self
                }
            )*
        }
        $(impl $name {
            /// A value with what the metadata requires set and every other property absent.
            #[allow(clippy::too_many_arguments)]
            pub fn new($($param: $crate::__new_param!($sep $param_ty)),*) -> Self {
                Self {
                    $($param: $crate::Nullable::Value($crate::__new_value!($sep $param)),)*
                    ..$crate::__private::Default::default()
                }
            }
        })?
        $(impl $name {
            /// Sets a property the metadata does not declare (this is an open
            /// type), with the `@odata.type` annotation its value needs (see
            /// [`open`](graphgen_runtime::open)).
            pub fn set_property(
                &mut self,
                name: &str,
                value: impl ::core::convert::Into<$crate::open::PropertyValue>,
            ) -> &mut Self {
                $crate::open::set_property(&mut self.$extra, name, value);
                self
            }
        })?
        $(impl $name {
            /// A view of this value as one of its base types: its inherited properties.
            pub fn $view(self) -> $base {
                $base { $($base_field: self.$base_field,)* }
            }
        })*
    };
}

/// The impls of a generated open enum: members are listed as
/// `Variant = "wireName"`, and the enum's last variant is
/// `Unrecognized(String)`, which keeps a member this crate does not know.
///
/// ```
/// #[derive(Debug, Clone, PartialEq, Eq, Hash)]
/// pub enum AccessType {
///     Grant,
///     Deny,
///     Unrecognized(String),
/// }
///
/// graphgen_runtime::open_enum! {
///     AccessType {
///         Grant = "grant",
///         Deny = "deny",
///     }
/// }
///
/// let a: AccessType = serde_json::from_str(r#""deny""#)?;
/// assert_eq!(a, AccessType::Deny);
/// let b: AccessType = "owner".parse()?;
/// assert_eq!(b, AccessType::Unrecognized("owner".into()));
/// assert_eq!(serde_json::to_string(&b)?, r#""owner""#);
/// assert_eq!(AccessType::KNOWN, [AccessType::Grant, AccessType::Deny]);
/// assert_eq!(AccessType::Grant.to_string(), "grant");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[macro_export]
macro_rules! open_enum {
    ($name:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        impl $name {
            /// The members this crate knows, in metadata order.
            pub const KNOWN: &'static [Self] = &[$(Self::$variant),*];

            /// The member's name on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unrecognized(name) => name,
                }
            }
        }
        impl $crate::EnumMember for $name {
            fn from_known(name: &str) -> $crate::__private::Option<Self> {
                match name {
                    $($wire => $crate::__private::Some(Self::$variant),)*
                    _ => $crate::__private::None,
                }
            }
            fn from_unknown(name: ::std::string::String) -> Self {
                Self::Unrecognized(name)
            }
            fn as_str(&self) -> &str {
                $name::as_str(self)
            }
        }
        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;
            fn from_str(name: &str) -> $crate::__private::Result<Self, Self::Err> {
                $crate::__private::Ok(<Self as $crate::EnumMember>::from_name(name))
            }
        }
        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> $crate::__private::Result<S::Ok, S::Error> {
                $crate::enums::serialize(self, serializer)
            }
        }
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> $crate::__private::Result<Self, D::Error> {
                $crate::enums::deserialize(deserializer)
            }
        }
    };
}

/// The impls of a generated `Any*` enum: a value of a declared type or of
/// any type derived from it, told apart on the wire by `@odata.type`.
///
/// Variants are listed as `Variant = "qualified.typeName"`, each boxing a
/// struct with [`object!`](crate::object!) impls, and the enum's last
/// variant is `Unrecognized(serde_json::Map<String, serde_json::Value>)`.
/// When the declared type is not abstract, its variant comes first, as
/// `Any: Variant(Type) = "qualified.typeName"`: a value without
/// `@odata.type` is one, and `From<Type>` builds the enum.
///
/// Deserialization picks the variant from `@odata.type`, reading straight
/// from the input when it comes first (see [`poly::deserialize`](crate::poly::deserialize));
/// serialization writes `@odata.type` first, then the value's members.
///
/// ```
/// use graphgen_runtime::Nullable;
///
/// #[derive(Clone, PartialEq, Default)]
/// pub struct Resolver {
///     pub priority: Nullable<i32>,
/// }
/// graphgen_runtime::object! {
///     Resolver = "contoso.resolver" {
///         priority: i32 = "priority",
///     }
/// }
///
/// #[derive(Clone, PartialEq, Default)]
/// pub struct ItemIdResolver {
///     pub priority: Nullable<i32>,
///     pub item_id: Nullable<String>,
/// }
/// graphgen_runtime::object! {
///     ItemIdResolver = "contoso.itemIdResolver" {
///         priority: i32 = "priority",
///         item_id: String = "itemId",
///     }
/// }
///
/// #[derive(Debug, Clone, PartialEq)]
/// pub enum AnyResolver {
///     Resolver(Box<Resolver>),
///     ItemIdResolver(Box<ItemIdResolver>),
///     Unrecognized(serde_json::Map<String, serde_json::Value>),
/// }
///
/// graphgen_runtime::dispatch! {
///     AnyResolver: Resolver(Resolver) = "contoso.resolver" {
///         ItemIdResolver = "contoso.itemIdResolver",
///     }
/// }
///
/// let r: AnyResolver = serde_json::from_str(r##"{"@odata.type":"#contoso.itemIdResolver","itemId":"x"}"##)?;
/// assert_eq!(r.odata_type(), Some("contoso.itemIdResolver"));
/// assert_eq!(serde_json::to_string(&r)?, r##"{"@odata.type":"#contoso.itemIdResolver","itemId":"x"}"##);
/// let plain: AnyResolver = serde_json::from_str(r#"{"priority":1}"#)?;
/// assert!(matches!(plain, AnyResolver::Resolver(_)));
/// let other: AnyResolver = serde_json::from_str(r##"{"@odata.type":"#contoso.urlResolver","u":1}"##)?;
/// assert_eq!(other.odata_type(), Some("contoso.urlResolver"));
/// assert_eq!(AnyResolver::from(Resolver::default()), AnyResolver::Resolver(Box::default()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[macro_export]
macro_rules! dispatch {
    // The declared type is concrete: its variant first.
    (
        $any:ident: $own:ident($own_ty:ty) = $own_qualified:literal {
            $($(#[$cfg:meta])* $variant:ident = $qualified:literal),* $(,)?
        }
    ) => {
        $crate::__dispatch! {
            $any [
                $crate::__private::None | $crate::__private::Some($own_qualified)
                    => $own = $own_qualified
            ]
            $($(#[$cfg])* $variant = $qualified,)*
        }
        impl ::core::convert::From<$own_ty> for $any {
            fn from(value: $own_ty) -> Self {
                Self::$own(::std::boxed::Box::new(value))
            }
        }
    };
    // The declared type is abstract: a value needs `@odata.type`.
    (
        $any:ident {
            $($(#[$cfg:meta])* $variant:ident = $qualified:literal),* $(,)?
        }
    ) => {
        $crate::__dispatch! {
            $any []
            $($(#[$cfg])* $variant = $qualified,)*
        }
    };
}

/// The impls of [`dispatch!`](crate::dispatch!); the declared type's
/// variant, if any, comes in brackets with the `@odata.type` values it reads.
#[doc(hidden)]
#[macro_export]
macro_rules! __dispatch {
    (
        $any:ident [$($own_pattern:pat => $own:ident = $own_qualified:literal)?]
        $($(#[$cfg:meta])* $variant:ident = $qualified:literal,)*
    ) => {
        impl $any {
            /// The qualified type name of the value (`@odata.type` without `#`).
            pub fn odata_type(&self) -> $crate::__private::Option<&str> {
                match self {
                    $(Self::$own(_) => $crate::__private::Some($own_qualified),)?
                    $($(#[$cfg])* Self::$variant(_) => $crate::__private::Some($qualified),)*
                    Self::Unrecognized(map) => $crate::poly::odata_type_of(map),
                }
            }
        }
        impl $crate::poly::Dispatch for $any {
            fn is_known(odata_type: $crate::__private::Option<&str>) -> bool {
                match odata_type {
                    $($own_pattern => true,)?
                    $($(#[$cfg])* $crate::__private::Some($qualified) => true,)*
                    _ => false,
                }
            }
            fn dispatch<'de, D: $crate::__private::serde::Deserializer<'de>>(
                odata_type: $crate::__private::Option<&str>,
                de: D,
            ) -> $crate::__private::Result<Self, D::Error> {
                match odata_type {
                    $($own_pattern => {
                        $crate::__private::serde::Deserialize::deserialize(de).map(Self::$own)
                    })?
                    $($(#[$cfg])* $crate::__private::Some($qualified) => {
                        $crate::__private::serde::Deserialize::deserialize(de).map(Self::$variant)
                    })*
                    other => $crate::__private::Err($crate::poly::not_a_variant(other, de)),
                }
            }
            fn unrecognized(
                object: $crate::__private::serde_json::Map<
                    ::std::string::String,
                    $crate::__private::serde_json::Value,
                >,
            ) -> Self {
                Self::Unrecognized(object)
            }
        }
        impl<'de> $crate::__private::serde::Deserialize<'de> for $any {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> $crate::__private::Result<Self, D::Error> {
                $crate::poly::deserialize(deserializer)
            }
        }
        impl $crate::__private::serde::Serialize for $any {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> $crate::__private::Result<S::Ok, S::Error> {
                match self {
                    $(Self::$own(value) => {
                        $crate::poly::serialize_tagged($own_qualified, &**value, serializer)
                    })?
                    $($(#[$cfg])* Self::$variant(value) => {
                        $crate::poly::serialize_tagged($qualified, &**value, serializer)
                    })*
                    Self::Unrecognized(map) => {
                        $crate::__private::serde::Serialize::serialize(map, serializer)
                    }
                }
            }
        }
    };
}

/// The impls of a generated request type: `new`, `send` and
/// [`Operation`](crate::Operation).
///
/// `path` is the URL's template, its segments in braces filled in order by
/// the keys `new` takes (see [`PathBuilder::template`](crate::PathBuilder::template)); `function` adds a
/// function call segment whose parameters are fields of the request, each
/// `field: "wireName" literal kind` (see [`odata::literal`](crate::odata::literal)),
/// `required` when the call always has it, else `optional`. `new` takes the keys, then the
/// required parameters; the others start as `None`. `body` names the
/// request body's field type (an [`object!`](crate::object!) struct whose
/// `new` takes the required parameters). `output` names the
/// [`odata`](crate::odata) reader of a successful response and its type, or
/// `batch(items: Item => Result)` for an operation that sends a collection
/// of items and gets one result per item (see [`batch!`](crate::batch!)).
/// `prefer_unknown_enum_members: true;` sends `Prefer:
/// include-unknown-enum-members`, for an operation whose parameters or
/// result reach an enum member declared after `unknownFutureValue`.
///
/// ```
/// use graphgen_runtime::{Cloud, Operation, PathBuilder};
///
/// #[derive(Debug, Clone, PartialEq)]
/// pub struct GetReport {
///     pub user_id: String,
///     pub period: String,
///     pub top: Option<i32>,
/// }
///
/// graphgen_runtime::operation! {
///     GetReport: GET "contoso.getReport" {
///         path: "/users/{user-id}/reports";
///         function: "getReport"(period: "period" string required, top: "top" raw optional);
///         available: Global, China;
///         new(user_id; period: String);
///         output: value -> String;
///     }
/// }
///
/// let mut report = GetReport::new("a/b", "D7");
/// report.top = Some(5);
/// assert_eq!(report.path()?, "/users/a%2Fb/reports/getReport(period=%27D7%27,top=5)");
/// assert_eq!(report.method(), http::Method::GET);
/// assert_eq!(report.name(), "contoso.getReport");
/// assert!(report.availability().contains(Cloud::China));
/// assert!(!report.availability().contains(Cloud::UsGovL4));
/// # Ok::<(), graphgen_runtime::Error>(())
/// ```
#[macro_export]
macro_rules! operation {
    (
        $name:ident: $method:ident $qualified:literal {
            path: $path:literal;
            $(function: $function:literal(
                $($arg:ident: $arg_wire:literal $literal:ident $arg_kind:ident),* $(,)?
            );)?
            available: $($cloud:ident),*;
            new($($key:ident),*; $($param:ident $sep:tt $param_ty:ty),* $(,)?);
            $(body: $body:ident;)?
            $(prefer_unknown_enum_members: $prefer:literal;)?
            output: $read:ident $(($items:ident: $item:ty => $result:ty))? $(-> $output:ty)?;
        }
    ) => {
        impl $name {
            /// The operation for the entity these keys address, with the required parameters.
            #[allow(clippy::too_many_arguments)]
            pub fn new(
                $($key: impl ::core::convert::Into<::std::string::String>,)*
                $($param: $crate::__new_param!($sep $param_ty)),*
            ) -> Self {
                $crate::__operation_new! {
                    keys [$($key),*]
                    body [$($body)?]
                    params [$($param $sep),*]
                    args [$($($arg $arg_kind),*)?]
                }
            }
        }
        $crate::__operation_send!($name, $read);
        impl $crate::Operation for $name {
            type Output = $crate::__operation_output!($read $(($item, $result))? $(-> $output)?);
            fn name(&self) -> &'static str {
                $qualified
            }

            fn method(&self) -> $crate::http::Method {
                $crate::http::Method::$method
            }

            fn availability(&self) -> $crate::Clouds {
                const AVAILABLE: $crate::Clouds = $crate::Clouds::of(&[$($crate::Cloud::$cloud),*]);
                AVAILABLE
            }

            fn path(&self) -> $crate::__private::Result<::std::string::String, $crate::Error> {
                let path = $crate::PathBuilder::new().template($path, &[$(self.$key.as_str()),*]);
                $(
                    let mut args = ::std::vec::Vec::new();
                    $($crate::__operation_arg!(self, args, $arg, $arg_wire, $literal $arg_kind);)*
                    let path = path.function($function, &args);
                )?
                path.finish()
            }

            fn body(
                &self,
            ) -> $crate::__private::Result<$crate::__private::Option<::std::vec::Vec<u8>>, $crate::Error>
            {
                $crate::__operation_body!(self $(, $body)?)
            }
            $(
                fn prefer_unknown_enum_members(&self) -> bool {
                    $prefer
                }
            )?

            fn parse_response(
                self,
                status: $crate::http::StatusCode,
                _headers: &$crate::http::HeaderMap,
                body: &[u8],
            ) -> $crate::__private::Result<Self::Output, $crate::Error> {
                $crate::__operation_read!(self, status, body, $read $(($items))?)
            }
        }
    };
}

/// The type of a parameter of `new`: `name: T` takes `impl Into<T>`, and
/// `name in T` (a collection) any iterator of `impl Into<T>`.
#[doc(hidden)]
#[macro_export]
macro_rules! __new_param {
    (: $ty:ty) => {
        impl ::core::convert::Into<$ty>
    };
    (in $ty:ty) => {
        impl ::core::iter::IntoIterator<Item = impl ::core::convert::Into<$ty>>
    };
}

/// The value a parameter of `new` holds (see [`__new_param!`]).
#[doc(hidden)]
#[macro_export]
macro_rules! __new_value {
    (: $param:ident) => {
        $param.into()
    };
    (in $param:ident) => {
        $param
            .into_iter()
            .map(::core::convert::Into::into)
            .collect()
    };
}

/// The `Self { .. }` of a request type's `new`.
#[doc(hidden)]
#[macro_export]
macro_rules! __operation_new {
    (keys [$($key:ident),*] body [$body:ident] params [] args []) => {
        Self {
            $($key: $key.into(),)*
            body: <$body as ::core::default::Default>::default(),
        }
    };
    (keys [$($key:ident),*] body [$body:ident] params [$($param:ident $sep:tt),+] args []) => {
        Self {
            $($key: $key.into(),)*
            body: $body::new($($param),+),
        }
    };
    (
        keys [$($key:ident),*] body [] params [$($param:ident $sep:tt),*]
        args [$($arg:ident $arg_kind:ident),*]
    ) => {{
        // As in `object!`'s `new`: every argument `Unset`, then the
        // required ones bound to their parameters again.
        let required = ($($crate::__new_value!($sep $param),)*);
        $(#[allow(unused_variables)] let $arg = $crate::__private::init::Unset;)*
        let ($($param,)*) = required;
        Self {
            $($key: $key.into(),)*
            $($arg: $crate::__private::init::$arg_kind($arg),)*
        }
    }};
}

/// The `Output` of a request type.
#[doc(hidden)]
#[macro_export]
macro_rules! __operation_output {
    (batch($item:ty, $result:ty)) => {
        $crate::BatchOutcome<$item, $result>
    };
    ($read:ident -> $output:ty) => {
        $output
    };
}

/// `send` of a request type, unless [`batch!`](crate::batch!) writes its own.
#[doc(hidden)]
#[macro_export]
macro_rules! __operation_send {
    ($name:ident, batch) => {};
    ($name:ident, $read:ident) => {
        impl $name {
            /// Sends this call with `client` (token, retries, typed errors).
            // Not an `async fn`: a wrapper future per operation would make
            // rustc lay out the runtime's whole call for each of them.
            pub fn send(
                self,
                client: &$crate::Client,
            ) -> impl ::core::future::Future<
                Output = $crate::__private::Result<
                    <Self as $crate::Operation>::Output,
                    $crate::Error,
                >,
            > + '_ {
                client.send(self)
            }
        }
    };
}

/// One function parameter in the URL, left out when an optional one is `None`.
#[doc(hidden)]
#[macro_export]
macro_rules! __operation_arg {
    ($this:ident, $args:ident, $arg:ident, $wire:literal, $literal:ident required) => {
        $args.push(($wire, $crate::odata::literal::$literal(&$this.$arg)?))
    };
    ($this:ident, $args:ident, $arg:ident, $wire:literal, $literal:ident optional) => {
        if let $crate::__private::Some(value) = &$this.$arg {
            $args.push(($wire, $crate::odata::literal::$literal(value)?));
        }
    };
}

/// `Operation::body`: the body field as JSON, or none.
#[doc(hidden)]
#[macro_export]
macro_rules! __operation_body {
    ($this:ident, $body:ident) => {
        $crate::odata::json_body(&$this.body)
    };
    ($this:ident) => {
        $crate::__private::Ok($crate::__private::None)
    };
}

/// `Operation::parse_response`.
#[doc(hidden)]
#[macro_export]
macro_rules! __operation_read {
    ($this:ident, $status:ident, $body:ident, batch($items:ident)) => {
        match $crate::odata::collection($status, $body) {
            $crate::__private::Ok(results) => $crate::__private::Ok($crate::BatchOutcome::pair(
                $status,
                $this.body.$items.into_value().unwrap_or_default(),
                results,
            )),
            $crate::__private::Err(e) => $crate::__private::Err(e),
        }
    };
    ($this:ident, $status:ident, $body:ident, $read:ident) => {
        $crate::odata::$read($status, $body)
    };
}

/// The impls of an [`operation!`](crate::operation!) that sends a
/// collection of items and gets one result per item:
/// [`BatchOperation`](crate::BatchOperation) with `send` and `send_split`,
/// and [`ItemResult`](crate::ItemResult) for the result type.
///
/// `keys` and `other` are the request's key fields and the body's other
/// parameters, copied into each call of a split. The result's `error`
/// field is the item's failure; a result echoes an item when each field
/// listed in `echoes` is the same (`eq`, or `instant` for date-times that
/// name the same instant in other text). When the item type is an `Any*`
/// enum, its variants are listed, and an item of a type this crate does
/// not know may be echoed by any result.
#[macro_export]
macro_rules! batch {
    (
        $name:ident: $items:ident {
            keys: $($key:ident),*;
            body: $body:ident { $($other:ident),* };
            max: $max:literal;
            item: $($item:ident)::+ $({ $($variant:ident),* $(,)? })?;
            result: $result:ty { $error:ident: $error_ty:ty };
            echoes: $($field:ident $same:ident),*;
        }
    ) => {
        impl $name {
            #[doc = ::core::concat!(
                "Sends this call: refused before sending when it holds no items or more than ",
                ::core::stringify!($max),
                "; retried only where nothing can be recorded twice (see [`RetryPolicy`](",
                "graphgen_runtime::RetryPolicy))."
            )]
            pub fn send(
                self,
                client: &$crate::Client,
            ) -> impl ::core::future::Future<
                Output = $crate::__private::Result<
                    $crate::BatchOutcome<$($item)::+, $result>,
                    $crate::Error,
                >,
            > + '_ {
                client.send_batch(self)
            }

            #[doc = ::core::concat!(
                "Sends any number of items as calls of at most ",
                ::core::stringify!($max),
                ", in order, and merges what became of each item (see [`SplitOutcome`](",
                "graphgen_runtime::SplitOutcome))."
            )]
            pub fn send_split(
                self,
                client: &$crate::Client,
            ) -> impl ::core::future::Future<Output = $crate::SplitOutcome<$($item)::+, $result>> + '_ {
                client.send_batch_split(self)
            }

            /// Sends the items as calls of at most `MAX_ITEMS`, up to
            /// `concurrency` at once, yielding what became of each call as it
            /// ends (see [`SplitSend`](graphgen_runtime::SplitSend)).
            pub fn send_stream<'a>(
                self,
                client: &$crate::Client,
                concurrency: usize,
            ) -> $crate::SplitSend<'a, Self> {
                client.send_batch_stream(self, concurrency)
            }
        }
        impl $crate::BatchOperation for $name {
            type Item = $($item)::+;
            type Result = $result;
            const MAX_ITEMS: usize = $max;

            fn items(&self) -> &[Self::Item] {
                self.body.$items.value().map_or(&[], ::std::vec::Vec::as_slice)
            }

            // The other parameters are cloned; the items are not (cloning
            // the whole body per call made splitting quadratic).
            fn with_items(&self, items: ::std::vec::Vec<Self::Item>) -> Self {
                Self {
                    $($key: ::core::clone::Clone::clone(&self.$key),)*
                    body: $body {
                        $items: $crate::Nullable::Value(items),
                        $($other: ::core::clone::Clone::clone(&self.body.$other),)*
                    },
                }
            }
        }
        impl $crate::ItemResult<$($item)::+> for $result {
            type Error = $error_ty;

            fn item_error(&self) -> $crate::__private::Option<&Self::Error> {
                self.$error.value()
            }

            fn echoes(&self, item: &$($item)::+) -> bool {
                $crate::__batch_echoes!(self, item, [$($item)::+] [$($($variant),*)?] $($field $same),*)
            }
        }
    };
}

/// The body of `ItemResult::echoes`.
#[doc(hidden)]
#[macro_export]
macro_rules! __batch_echoes {
    ($this:ident, $item:ident, [$($any:ident)::+] [] $($field:ident $same:ident),*) => {
        true $(&& $crate::batch::same::$same(&$this.$field, &$item.$field))*
    };
    ($this:ident, $item:ident, [$($any:ident)::+] [$($variant:ident),+] $($field:ident $same:ident),*) => {{
        type Item = $($any)::+;
        // Each variant derives from the item type: it has the same fields.
        macro_rules! same {
            ($r:ident, $v:ident) => {
                true $(&& $crate::batch::same::$same(&$r.$field, &$v.$field))*
            };
        }
        match $item {
            $(Item::$variant(value) => same!($this, value),)+
            // An item this crate cannot read cannot be compared: it may be the one.
            _ => true,
        }
    }};
}

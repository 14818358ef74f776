//! What a cartridge holds, whatever its flavour: the modules, the page
//! of each item, who each page is for, and the files the pages use.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use crate::adapt::{Adapted, AdaptedPage};
use crate::content::Audience;
use crate::render::RenderedPage;

use super::xml;

/// Who a page is meant for in the course, as the LMS sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Shown to everyone in the course.
    Learner,
    /// For the course's teachers only: Canvas imports it unpublished,
    /// Moodle hidden.
    Instructor,
}

impl Role {
    /// A course in an LMS has teachers and students (and, in some, the
    /// families who observe them); the toolkit's partners and
    /// coordinators are not members of it. So a page is for the
    /// learners when students or families are among its readers (or it
    /// names no readers at all), and kept for the teachers otherwise:
    /// staff guides and the partner materials a teacher sends on are
    /// published by the teacher, not shown to students on import.
    pub fn of(page: &AdaptedPage) -> Role {
        let audience = &page.meta.audience;
        if audience.is_empty()
            || audience
                .iter()
                .any(|a| matches!(a, Audience::Students | Audience::Families))
        {
            Role::Learner
        } else {
            Role::Instructor
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Role::Learner => "Learner",
            Role::Instructor => "Instructor",
        }
    }
}

/// One module of the course: a part of the toolkit in one language.
#[derive(Debug, Clone)]
pub struct Module {
    pub id: String,
    pub title: String,
    /// Indexes into `Adapted::pages`, in reading order.
    pub pages: Vec<usize>,
}

/// What the cartridge knows about one page.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The page's resource (and, in Canvas, wiki page) identifier.
    pub resource: String,
    /// Its item in the organization (and in Canvas's module).
    pub item: String,
    pub role: Role,
    /// The identifier of its printable copy, for handouts.
    pub printable: Option<String>,
    /// Indexes into `Course::assets` of the files the page shows or links.
    pub assets: Vec<usize>,
}

/// A file from `assets/` the pages use.
#[derive(Debug, Clone)]
pub struct Asset {
    pub name: String,
    pub resource: String,
    pub bytes: Arc<[u8]>,
}

/// The course a cartridge carries.
pub struct Course<'a> {
    pub adapted: &'a Adapted,
    pub pages: &'a [RenderedPage],
    pub lang: &'a str,
    /// The course title an LMS shows for the import.
    pub title: String,
    pub manifest: String,
    pub modules: Vec<Module>,
    /// One per page of `adapted.pages`, by the same index.
    pub entries: Vec<Entry>,
    /// Sorted by name.
    pub assets: Vec<Asset>,
    /// Index into `assets` of the district's logo.
    pub logo: Option<usize>,
}

impl<'a> Course<'a> {
    pub fn new(adapted: &'a Adapted, pages: &'a [RenderedPage]) -> Course<'a> {
        let mut ids = Ids::default();
        let district = adapted.district.as_deref();
        let lang = district
            .and_then(|d| d.language.as_deref())
            .unwrap_or(&adapted.toolkit.language);
        let title = match district {
            Some(d) => format!("{} · {}", adapted.toolkit.title, d.name),
            None => adapted.toolkit.title.clone(),
        };
        let manifest = ids.unique(xml::ncname("cartridge_", &adapted.bundle_name()));

        let logo_name = district
            .and_then(|d| d.logo.as_ref())
            .map(|(name, _)| name.as_str());
        let mut used: BTreeSet<&str> = pages
            .iter()
            .flat_map(|p| p.assets.iter().map(String::as_str))
            .collect();
        used.extend(logo_name);
        let assets: Vec<Asset> = used
            .into_iter()
            .filter_map(|name| {
                let bytes = adapted.assets.get(name)?.clone();
                Some(Asset {
                    name: name.to_string(),
                    resource: ids.unique(xml::ncname("asset_", name)),
                    bytes,
                })
            })
            .collect();
        let index_of = |name: &str| assets.iter().position(|a| a.name == name);
        let logo = logo_name.and_then(index_of);

        let entries = adapted
            .pages
            .iter()
            .zip(pages)
            .map(|(page, rendered)| {
                let mut used: Vec<usize> = rendered.assets.iter().filter_map(|a| index_of(a)).collect();
                used.extend(logo);
                used.sort_unstable();
                used.dedup();
                Entry {
                    resource: ids.unique(xml::ncname("page_", &page.id)),
                    item: ids.unique(xml::ncname("item_", &page.id)),
                    role: Role::of(page),
                    printable: page
                        .meta
                        .kind
                        .is_handout()
                        .then(|| ids.unique(xml::ncname("printable_", &page.id))),
                    assets: used,
                }
            })
            .collect();

        // One module per part, in the toolkit's language. Translated
        // pages, when the model has them, add their own modules after
        // these: the same parts with the language in their ids
        // (`module_start_es`), each item pointing at the translated page.
        let modules = adapted
            .parts
            .iter()
            .map(|part| Module {
                id: ids.unique(xml::ncname("module_", &part.id)),
                title: part.title.clone(),
                pages: part.pages.clone(),
            })
            .collect();

        Course {
            adapted,
            pages,
            lang,
            title,
            manifest,
            modules,
            entries,
            assets,
            logo,
        }
    }

    /// The district's name, or the toolkit's publisher for the generic
    /// toolkit.
    pub fn district_name(&self) -> &str {
        crate::render::district_name(self.adapted)
    }

    pub fn logo(&self) -> Option<&Asset> {
        self.logo.map(|i| &self.assets[i])
    }
}

/// Identifiers handed out once each: every `xs:ID` in a manifest must be
/// unique, and two names can become the same NCName (`a b` and `a_b`).
#[derive(Default)]
struct Ids {
    taken: HashSet<String>,
}

impl Ids {
    fn unique(&mut self, base: String) -> String {
        debug_assert!(xml::is_ncname(&base), "`{base}` is not an NCName");
        if self.taken.insert(base.clone()) {
            return base;
        }
        (2..)
            .map(|n| format!("{base}_{n}"))
            .find(|id| self.taken.insert(id.clone()))
            .expect("some suffix is free")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_stay_unique() {
        let mut ids = Ids::default();
        assert_eq!(ids.unique("asset_a_b".into()), "asset_a_b");
        assert_eq!(ids.unique("asset_a_b".into()), "asset_a_b_2");
        assert_eq!(ids.unique("asset_a_b".into()), "asset_a_b_3");
    }
}

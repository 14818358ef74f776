//! Text stitched from several files (a toolkit page with a district's
//! sections inserted) remembers where each piece came from, so an error at
//! any offset of the stitched text points at the right file and line.

use std::sync::Arc;

use crate::diag::SourceFile;

#[derive(Debug, Clone)]
struct Chunk {
    start: usize,
    len: usize,
    file: Arc<SourceFile>,
    file_offset: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Composed {
    pub text: String,
    chunks: Vec<Chunk>,
}

impl Composed {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `file.text[range]`, remembering its origin.
    pub fn push_from(&mut self, file: &Arc<SourceFile>, offset: usize, text: &str) {
        if text.is_empty() {
            return;
        }
        self.chunks.push(Chunk {
            start: self.text.len(),
            len: text.len(),
            file: file.clone(),
            file_offset: offset,
        });
        self.text.push_str(text);
    }

    /// Appends text wbl made up (separators, pinned ids).
    pub fn push_generated(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// The file and offset that produced byte `offset` of the text; inside
    /// generated text, the nearest earlier origin.
    pub fn locate(&self, offset: usize) -> Option<(&Arc<SourceFile>, usize)> {
        let i = self.chunks.partition_point(|c| c.start <= offset);
        let chunk = self.chunks.get(i.checked_sub(1)?)?;
        let within = (offset - chunk.start).min(chunk.len);
        Some((&chunk.file, chunk.file_offset + within))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_offsets_back_to_their_files() {
        let a = SourceFile::new("a.md", "0123456789");
        let b = SourceFile::new("b.md", "abcdef");
        let mut c = Composed::new();
        c.push_from(&a, 2, "234");
        c.push_generated("\n\n");
        c.push_from(&b, 1, "bcd");
        assert_eq!(c.text, "234\n\nbcd");
        let (f, o) = c.locate(1).unwrap();
        assert_eq!((f.path.as_str(), o), ("a.md", 3));
        let (f, o) = c.locate(6).unwrap();
        assert_eq!((f.path.as_str(), o), ("b.md", 2));
        let (f, o) = c.locate(4).unwrap();
        assert_eq!((f.path.as_str(), o), ("a.md", 5));
    }
}

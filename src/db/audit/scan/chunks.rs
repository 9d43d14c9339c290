//! A `tokio-postgres` COPY stream read as `std::io::BufRead`.

use std::io::BufRead;

/// A COPY stream's messages as one byte stream, each fetched when the
/// one before is used up.
pub(super) struct Chunks<'a> {
    pub(super) rt: &'a tokio::runtime::Runtime,
    pub(super) stream: std::pin::Pin<Box<tokio_postgres::CopyOutStream>>,
    pub(super) chunk: bytes::Bytes,
    pub(super) pos: usize,
}

impl std::io::Read for Chunks<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let chunk = self.fill_buf()?;
        let n = chunk.len().min(out.len());
        out[..n].copy_from_slice(&chunk[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Chunks<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        use futures_util::StreamExt;
        while self.pos >= self.chunk.len() {
            match self.rt.block_on(self.stream.next()) {
                Some(Ok(chunk)) => {
                    self.chunk = chunk;
                    self.pos = 0;
                }
                Some(Err(e)) => return Err(std::io::Error::other(e)),
                None => return Ok(&[]),
            }
        }
        Ok(&self.chunk[self.pos..])
    }

    fn consume(&mut self, n: usize) {
        self.pos += n;
    }
}

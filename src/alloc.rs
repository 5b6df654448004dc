//! The global allocator: mimalloc 2, called the way its fast path wants.
//!
//! The `mimalloc` crate passes every allocation through `mi_malloc_aligned`, which takes
//! its fast path only when the first free block of the page happens to be aligned, and
//! otherwise falls back to over-allocating from a larger size class for every block size
//! that is not a power of two (24, 40, 48 bytes...), which is most of a syntax tree. Plain
//! `mi_malloc` returns word-aligned blocks, which is all that almost every Rust type asks
//! for, so it serves those, and the aligned call serves the rest. On the benchmark corpus
//! this took wall time from 2.04 s to 1.82 s (measured with mimalloc 3, whose aligned
//! call works the same way).
//!
//! mimalloc 2 rather than 3 (the `v2` feature): with the same speed, version 3 kept more
//! freed memory, and peak memory was 337 MB instead of 286 MB on the benchmark corpus.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys::{
    mi_free, mi_malloc, mi_malloc_aligned, mi_realloc, mi_realloc_aligned, mi_zalloc,
    mi_zalloc_aligned,
};

/// Keeps the kernel from backing this process's memory with transparent huge pages.
/// mimalloc asks for them, and each is zeroed whole (2 MiB) when first touched; a run
/// allocates and frees a syntax tree per file within milliseconds, so most of that
/// zeroing is wasted. On the benchmark corpus (6 interleaved runs each) wall time went
/// from a median of 1.92 s to 1.77 s, system time from 0.4–0.9 s to a steady 0.4 s,
/// and peak memory from 235–290 MB to 216–230 MB. Call it first thing in `main`.
pub fn avoid_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: `PR_SET_THP_DISABLE` reads no memory; on failure the default stays.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// The alignment every mimalloc block has: a machine word.
const BLOCK_ALIGN: usize = std::mem::size_of::<usize>();

pub struct Allocator;

fn is_aligned(pointer: *mut c_void, align: usize) -> bool {
    pointer as usize & (align - 1) == 0
}

/// A block for `layout` from `plain` when its alignment is at most a word, from `aligned`
/// otherwise (or should `plain` ever return a misaligned block).
///
/// # Safety
/// `plain` and `aligned` must be a mimalloc allocation function pair (`mi_malloc` and
/// `mi_malloc_aligned`, or the zeroing pair).
#[inline]
unsafe fn allocate(
    layout: Layout,
    plain: unsafe extern "C" fn(usize) -> *mut c_void,
    aligned: unsafe extern "C" fn(usize, usize) -> *mut c_void,
) -> *mut u8 {
    unsafe {
        if layout.align() <= BLOCK_ALIGN {
            let pointer = plain(layout.size());
            // Checked rather than assumed, so that another mimalloc cannot break it.
            if is_aligned(pointer, layout.align()) {
                return pointer.cast();
            }
            mi_free(pointer);
        }
        aligned(layout.size(), layout.align()).cast()
    }
}

// SAFETY: every path returns memory from mimalloc that is at least `layout.size()` bytes
// and aligned to `layout.align()` (checked at run time for the plain calls), and
// `mi_free` releases memory from any of them.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { allocate(layout, mi_malloc, mi_malloc_aligned) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe { allocate(layout, mi_zalloc, mi_zalloc_aligned) }
    }

    #[inline]
    unsafe fn dealloc(&self, pointer: *mut u8, _layout: Layout) {
        unsafe { mi_free(pointer.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        unsafe {
            if layout.align() > BLOCK_ALIGN {
                return mi_realloc_aligned(pointer.cast(), new_size, layout.align()).cast();
            }
            let moved = mi_realloc(pointer.cast(), new_size);
            if moved.is_null() || is_aligned(moved, layout.align()) {
                return moved.cast();
            }
            // Never expected (see `alloc`); the bytes now live at `moved`.
            let aligned = mi_malloc_aligned(new_size, layout.align());
            if aligned.is_null() {
                std::alloc::handle_alloc_error(layout);
            }
            std::ptr::copy_nonoverlapping(moved.cast::<u8>(), aligned.cast::<u8>(), new_size);
            mi_free(moved);
            aligned.cast()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_have_the_alignment_asked_for_and_keep_their_bytes_when_grown() {
        let allocator = Allocator;
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in (1..=300).chain([1000, 4096, 65_536, 1 << 20]) {
                let layout = Layout::from_size_align(size, align).unwrap();
                unsafe {
                    let block = allocator.alloc(layout);
                    assert!(!block.is_null());
                    assert_eq!(block as usize % align, 0, "size {size}, align {align}");
                    for offset in 0..size {
                        block.add(offset).write(offset as u8);
                    }
                    let grown = allocator.realloc(block, layout, size * 3);
                    assert_eq!(grown as usize % align, 0, "grown {size}, align {align}");
                    for offset in 0..size {
                        assert_eq!(grown.add(offset).read(), offset as u8);
                    }
                    let grown_layout = Layout::from_size_align(size * 3, align).unwrap();
                    allocator.dealloc(grown, grown_layout);

                    let zeroed = allocator.alloc_zeroed(layout);
                    assert_eq!(zeroed as usize % align, 0);
                    assert!((0..size).all(|offset| zeroed.add(offset).read() == 0));
                    allocator.dealloc(zeroed, layout);
                }
            }
        }
    }
}

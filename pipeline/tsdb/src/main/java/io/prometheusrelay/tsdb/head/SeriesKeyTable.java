package io.prometheusrelay.tsdb.head;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import io.prometheusrelay.tsdb.model.SeriesKey;
import io.prometheusrelay.tsdb.model.SeriesWrite;
import org.jspecify.annotations.Nullable;

/**
 * The head's series by their {@link SeriesKey}, for the engine's writer only: an open-addressing
 * table with linear probing, each slot's hash, key place and series in arrays of their own, and the
 * keys in pages, one after the other in the order they were put, each its length (four bytes) and
 * its bytes.
 * <p>
 * Why not a {@code HashMap}: with 100,000 series and a batch touching 2,000 of them, finding a series
 * is a chain of cache misses (table, node, key, the key's bytes, the series), each waiting for the one
 * before. Profiled, that chain was a fifth of an api-server's CPU. This table has one link fewer, and
 * {@link #find} looks up a batch's keys a group at a time, one step of the chain for the whole group
 * before the next: loads that do not depend on each other are in flight together, so a group waits
 * for about one miss per step rather than one per series per step.
 * <p>
 * Why pages: a sender sends its series in about the same order every time (a scrape's order, a
 * shard's share of it), and that is the order they were first put in. So a batch's keys lie one after
 * another in a page and the processor streams them in, where keys in arrays of their own were
 * scattered over the heap by the collector (five cache misses to compare a key of 270 bytes).
 */
final class SeriesKeyTable {

	/** Keys looked up together: enough misses in flight to fill a core's line-fill buffers. */
	private static final int GROUP = 16;

	/** Bytes of keys in one page: a quarter of a MiB, under what G1 allocates as a humongous object. */
	static final int PAGE_BYTES = 256 * 1024;

	private static final VarHandle LENGTH = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

	/** Each slot's key hash, never 0; 0 marks an empty slot. */
	private int[] hashes;

	/** Slot {@code i}'s key: its page in the high half, its offset in that page in the low half. */
	private long[] places;

	private @Nullable HeadSeries[] series;

	private int mask;

	private int size;

	private final List<byte[]> pages = new ArrayList<>();

	/** Bytes used in the last page. */
	private int pageFill = PAGE_BYTES;

	/** Values read only to load their cache lines; kept, so that the compiler keeps the reads. */
	private int touched;

	private final int[] groupSlots = new int[GROUP];

	SeriesKeyTable() {
		allocate(1024);
	}

	int size() {
		return this.size;
	}

	/** The series with this key, or null. */
	@Nullable HeadSeries get(SeriesKey key) {
		int hash = storedHash(key);
		for (int slot = hash & this.mask;; slot = (slot + 1) & this.mask) {
			int held = this.hashes[slot];
			if (held == 0) {
				return null;
			}
			if (held == hash && matches(slot, key)) {
				return this.series[slot];
			}
		}
	}

	/**
	 * The series of every keyed write in {@code writes}, at the same index of {@code into}; null for a
	 * write without a key or a key not held.
	 */
	void find(List<SeriesWrite> writes, @Nullable HeadSeries[] into) {
		for (int start = 0; start < writes.size(); start += GROUP) {
			findGroup(writes, start, Math.min(GROUP, writes.size() - start), into);
		}
	}

	private void findGroup(List<SeriesWrite> writes, int start, int count, @Nullable HeadSeries[] into) {
		int sink = 0;
		// Step 1: the hashes at each key's first slot, loaded together.
		for (int i = 0; i < count; i++) {
			SeriesKey key = writes.get(start + i).key();
			int slot = (key != null) ? storedHash(key) & this.mask : 0;
			this.groupSlots[i] = slot;
			sink += this.hashes[slot];
		}
		// Step 2: the slot whose hash matches (those hashes are in cache now), and its key's length
		// and first bytes and its series, loaded together.
		for (int i = 0; i < count; i++) {
			SeriesKey key = writes.get(start + i).key();
			int slot = (key != null) ? probe(storedHash(key), this.groupSlots[i]) : -1;
			this.groupSlots[i] = slot;
			if (slot >= 0) {
				long place = this.places[slot];
				sink += this.pages.get((int) (place >>> 32))[(int) place] + this.series[slot].ref();
			}
		}
		// Step 3: compare.
		for (int i = 0; i < count; i++) {
			SeriesKey key = writes.get(start + i).key();
			int slot = this.groupSlots[i];
			if (key == null || slot < 0) {
				into[start + i] = null;
			}
			else {
				// A different key with the same hash sends this key to the probe that goes on past it.
				into[start + i] = matches(slot, key) ? this.series[slot] : get(key);
			}
		}
		this.touched += sink;
	}

	/** The first slot from {@code slot} on whose hash is {@code hash}, or -1 at an empty slot first. */
	private int probe(int hash, int slot) {
		for (;; slot = (slot + 1) & this.mask) {
			int held = this.hashes[slot];
			if (held == hash) {
				return slot;
			}
			if (held == 0) {
				return -1;
			}
		}
	}

	/** Holds {@code series} under a copy of {@code key}'s bytes, in place of any series the key had. */
	void put(SeriesKey key, HeadSeries series) {
		int hash = storedHash(key);
		for (int slot = hash & this.mask; this.hashes[slot] != 0; slot = (slot + 1) & this.mask) {
			if (this.hashes[slot] == hash && matches(slot, key)) {
				this.series[slot] = series;
				return;
			}
		}
		if (2 * (this.size + 1) > this.hashes.length) {
			rehash(this.hashes.length * 2);
		}
		insert(hash, store(key.bytes(), key.offset(), key.length()), series);
		this.size++;
	}

	/**
	 * Drops the series {@code removed} accepts (the head does so after a compaction), rebuilding the
	 * table and copying the keys kept to new pages in the order they were put.
	 */
	void removeIf(Predicate<HeadSeries> removed) {
		int[] oldHashes = this.hashes;
		long[] oldPlaces = this.places;
		HeadSeries[] oldSeries = this.series;
		List<byte[]> oldPages = new ArrayList<>(this.pages);
		int[] kept = IntStream.range(0, oldHashes.length)
			.filter(slot -> oldHashes[slot] != 0 && !removed.test(oldSeries[slot]))
			.boxed()
			.sorted(Comparator.comparingLong(slot -> oldPlaces[slot]))
			.mapToInt(Integer::intValue)
			.toArray();
		allocate(this.hashes.length);
		this.pages.clear();
		this.pageFill = PAGE_BYTES;
		for (int slot : kept) {
			long place = oldPlaces[slot];
			byte[] page = oldPages.get((int) (place >>> 32));
			int offset = (int) place;
			int length = (int) LENGTH.get(page, offset);
			insert(oldHashes[slot], store(page, offset + Integer.BYTES, length), oldSeries[slot]);
		}
		this.size = kept.length;
	}

	/** Copies a key's length and bytes after the last key, in a new page when the last is full; its place. */
	private long store(byte[] bytes, int offset, int length) {
		int stored = Integer.BYTES + length;
		if (stored > PAGE_BYTES - this.pageFill) {
			this.pages.add(new byte[Math.max(PAGE_BYTES, stored)]);
			this.pageFill = 0;
		}
		int page = this.pages.size() - 1;
		byte[] into = this.pages.get(page);
		LENGTH.set(into, this.pageFill, length);
		System.arraycopy(bytes, offset, into, this.pageFill + Integer.BYTES, length);
		long place = ((long) page << 32) | this.pageFill;
		this.pageFill += stored;
		return place;
	}

	private void rehash(int capacity) {
		int[] oldHashes = this.hashes;
		long[] oldPlaces = this.places;
		HeadSeries[] oldSeries = this.series;
		allocate(capacity);
		for (int slot = 0; slot < oldHashes.length; slot++) {
			if (oldHashes[slot] != 0) {
				insert(oldHashes[slot], oldPlaces[slot], oldSeries[slot]);
			}
		}
	}

	private void insert(int hash, long place, HeadSeries series) {
		int slot = hash & this.mask;
		while (this.hashes[slot] != 0) {
			slot = (slot + 1) & this.mask;
		}
		this.hashes[slot] = hash;
		this.places[slot] = place;
		this.series[slot] = series;
	}

	private void allocate(int capacity) {
		this.hashes = new int[capacity];
		this.places = new long[capacity];
		this.series = new HeadSeries[capacity];
		this.mask = capacity - 1;
	}

	private boolean matches(int slot, SeriesKey key) {
		long place = this.places[slot];
		byte[] page = this.pages.get((int) (place >>> 32));
		int offset = (int) place;
		int length = (int) LENGTH.get(page, offset);
		return length == key.length() && Arrays.equals(page, offset + Integer.BYTES, offset + Integer.BYTES + length,
				key.bytes(), key.offset(), key.offset() + length);
	}

	/** The key's hash with its high bits folded into the low ones the slot is taken from; never 0. */
	private static int storedHash(SeriesKey key) {
		int hash = key.hashCode();
		hash ^= hash >>> 16;
		return (hash != 0) ? hash : 1;
	}

}

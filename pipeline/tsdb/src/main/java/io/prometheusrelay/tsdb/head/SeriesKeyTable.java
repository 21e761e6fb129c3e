package io.prometheusrelay.tsdb.head;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

import io.prometheusrelay.tsdb.model.SeriesKey;
import io.prometheusrelay.tsdb.model.SeriesWrite;
import org.jspecify.annotations.Nullable;

/**
 * The head's series by their {@link SeriesKey}, for the engine's writer only: an open-addressing
 * table with linear probing, each slot's hash in one array and its key's bytes beside its series in
 * another.
 * <p>
 * Why not a {@code HashMap}: with 100,000 series and a batch touching 2,000 of them, finding a series
 * is a chain of cache misses (table, node, key, the key's bytes, the series), each waiting for the one
 * before. Profiled, that chain was a fifth of an api-server's CPU. This table has one link fewer, and
 * {@link #find} looks up a batch's keys a group at a time, one step of the chain for the whole group
 * before the next: loads that do not depend on each other are in flight together, so a group waits
 * for about one miss per step rather than one per series per step.
 */
final class SeriesKeyTable {

	/** Keys looked up together: enough misses in flight to fill a core's line-fill buffers. */
	private static final int GROUP = 16;

	/** Each slot's key hash, never 0; 0 marks an empty slot. */
	private int[] hashes;

	/** Slot {@code i}'s key bytes at {@code 2i} and its series at {@code 2i + 1}. */
	private @Nullable Object[] entries;

	private int mask;

	private int size;

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
				return (HeadSeries) this.entries[2 * slot + 1];
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
		// Step 2: the slot whose hash matches (those hashes are in cache now), and its key's bytes and
		// series, loaded together.
		for (int i = 0; i < count; i++) {
			SeriesKey key = writes.get(start + i).key();
			int slot = (key != null) ? probe(storedHash(key), this.groupSlots[i]) : -1;
			this.groupSlots[i] = slot;
			if (slot >= 0) {
				byte[] bytes = (byte[]) this.entries[2 * slot];
				sink += bytes[bytes.length - 1] + ((HeadSeries) this.entries[2 * slot + 1]).ref();
			}
		}
		// Step 3: compare, from cache.
		for (int i = 0; i < count; i++) {
			SeriesKey key = writes.get(start + i).key();
			int slot = this.groupSlots[i];
			if (key == null || slot < 0) {
				into[start + i] = null;
			}
			else {
				// A different key with the same hash sends this key to the probe that goes on past it.
				into[start + i] = matches(slot, key) ? (HeadSeries) this.entries[2 * slot + 1] : get(key);
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
				this.entries[2 * slot + 1] = series;
				return;
			}
		}
		if (2 * (this.size + 1) > this.hashes.length) {
			rehash(this.hashes.length * 2);
		}
		insert(hash, Arrays.copyOfRange(key.bytes(), key.offset(), key.offset() + key.length()), series);
		this.size++;
	}

	/** Drops the series {@code removed} accepts, rebuilding the table (the head does so after a compaction). */
	void removeIf(Predicate<HeadSeries> removed) {
		int[] oldHashes = this.hashes;
		Object[] oldEntries = this.entries;
		allocate(this.hashes.length);
		this.size = 0;
		for (int slot = 0; slot < oldHashes.length; slot++) {
			HeadSeries series = (HeadSeries) oldEntries[2 * slot + 1];
			if (oldHashes[slot] != 0 && !removed.test(series)) {
				insert(oldHashes[slot], (byte[]) oldEntries[2 * slot], series);
				this.size++;
			}
		}
	}

	private void rehash(int capacity) {
		int[] oldHashes = this.hashes;
		Object[] oldEntries = this.entries;
		allocate(capacity);
		for (int slot = 0; slot < oldHashes.length; slot++) {
			if (oldHashes[slot] != 0) {
				insert(oldHashes[slot], (byte[]) oldEntries[2 * slot], (HeadSeries) oldEntries[2 * slot + 1]);
			}
		}
	}

	private void insert(int hash, byte[] key, HeadSeries series) {
		int slot = hash & this.mask;
		while (this.hashes[slot] != 0) {
			slot = (slot + 1) & this.mask;
		}
		this.hashes[slot] = hash;
		this.entries[2 * slot] = key;
		this.entries[2 * slot + 1] = series;
	}

	private void allocate(int capacity) {
		this.hashes = new int[capacity];
		this.entries = new Object[2 * capacity];
		this.mask = capacity - 1;
	}

	private boolean matches(int slot, SeriesKey key) {
		byte[] held = (byte[]) this.entries[2 * slot];
		return Arrays.equals(held, 0, held.length, key.bytes(), key.offset(), key.offset() + key.length());
	}

	/** The key's hash with its high bits folded into the low ones the slot is taken from; never 0. */
	private static int storedHash(SeriesKey key) {
		int hash = key.hashCode();
		hash ^= hash >>> 16;
		return (hash != 0) ? hash : 1;
	}

}

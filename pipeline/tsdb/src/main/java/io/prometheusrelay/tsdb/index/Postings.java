package io.prometheusrelay.tsdb.index;

import java.util.Arrays;
import java.util.List;

/**
 * A sorted set of series references: what one label pair, or a set of matchers, selects. The set
 * operations walk both lists once, as Prometheus's postings merge and intersect.
 */
public final class Postings {

	public static final Postings EMPTY = new Postings(new int[0], 0);

	private final int[] refs;

	private final int size;

	private Postings(int[] refs, int size) {
		this.refs = refs;
		this.size = size;
	}

	/** Postings from references already sorted and unique; the array is kept. */
	public static Postings ofSorted(int[] refs) {
		return new Postings(refs, refs.length);
	}

	public int size() {
		return this.size;
	}

	public boolean isEmpty() {
		return this.size == 0;
	}

	public int get(int i) {
		return this.refs[i];
	}

	public int[] toArray() {
		return Arrays.copyOf(this.refs, this.size);
	}

	/** References in both. Series references are compared unsigned, as they are offsets / 16. */
	public Postings intersect(Postings other) {
		int[] out = new int[Math.min(this.size, other.size)];
		int n = 0;
		int i = 0;
		int j = 0;
		while (i < this.size && j < other.size) {
			int c = Integer.compareUnsigned(this.refs[i], other.refs[j]);
			if (c == 0) {
				out[n++] = this.refs[i];
				i++;
				j++;
			}
			else if (c < 0) {
				i++;
			}
			else {
				j++;
			}
		}
		return new Postings(out, n);
	}

	/** References in either. */
	public Postings union(Postings other) {
		int[] out = new int[this.size + other.size];
		int n = 0;
		int i = 0;
		int j = 0;
		while (i < this.size || j < other.size) {
			int c = (i == this.size) ? 1 : (j == other.size) ? -1 : Integer.compareUnsigned(this.refs[i], other.refs[j]);
			if (c <= 0) {
				out[n++] = this.refs[i++];
				if (c == 0) {
					j++;
				}
			}
			else {
				out[n++] = other.refs[j++];
			}
		}
		return new Postings(out, n);
	}

	/**
	 * References in any of {@code lists}, in one sort rather than a merge per list (a regular
	 * expression over many values unions many short lists). References are non-negative: offsets of a
	 * mapped index (under 2 GiB) divided by 16, or the head's counters.
	 */
	public static Postings unionAll(List<Postings> lists) {
		if (lists.size() == 1) {
			return lists.get(0);
		}
		int total = 0;
		for (Postings list : lists) {
			total += list.size;
		}
		int[] all = new int[total];
		int n = 0;
		for (Postings list : lists) {
			System.arraycopy(list.refs, 0, all, n, list.size);
			n += list.size;
		}
		Arrays.sort(all);
		int unique = 0;
		for (int i = 0; i < all.length; i++) {
			if (i == 0 || all[i] != all[i - 1]) {
				all[unique++] = all[i];
			}
		}
		return new Postings(all, unique);
	}

	/** References in this set and not in {@code other}. */
	public Postings without(Postings other) {
		int[] out = new int[this.size];
		int n = 0;
		int j = 0;
		for (int i = 0; i < this.size; i++) {
			while (j < other.size && Integer.compareUnsigned(other.refs[j], this.refs[i]) < 0) {
				j++;
			}
			if (j == other.size || other.refs[j] != this.refs[i]) {
				out[n++] = this.refs[i];
			}
		}
		return new Postings(out, n);
	}

}

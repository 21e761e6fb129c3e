package io.prometheusrelay.tsdb.index;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import io.prometheusrelay.tsdb.model.Matcher;
import io.prometheusrelay.tsdb.model.QueryCancelledException;

/**
 * What selecting series by matchers needs of an index, a block's or the head's: the postings of a
 * label pair, of the values of a name that a predicate accepts, and of every series.
 */
public interface PostingsIndex {

	Postings allPostings();

	Postings postings(String name, String value);

	Postings postingsMatching(String name, Predicate<String> matches);

	/**
	 * The series every matcher selects, as Prometheus's {@code PostingsForMatchers}: the intersection
	 * of what each matcher that needs its label selects, less, for each matcher that a missing label
	 * satisfies, the series whose value it refuses. Equalities and alternations of literals look their
	 * postings up; other regular expressions are tested once per distinct value.
	 */
	default Postings select(List<Matcher> matchers) {
		return select(matchers, () -> false);
	}

	/**
	 * As {@link #select(List)}, checking {@code cancelled} before every value a regular expression is
	 * run on, so that a slow pattern over many values stops when its reader is gone.
	 * @throws QueryCancelledException once {@code cancelled} says so
	 */
	default Postings select(List<Matcher> matchers, BooleanSupplier cancelled) {
		Postings result = null;
		for (Matcher matcher : matchers) {
			if (matcher.matchesEmpty()) {
				continue;
			}
			Postings selected = positive(matcher, cancelled);
			result = (result == null) ? selected : result.intersect(selected);
			if (result.isEmpty()) {
				return result;
			}
		}
		if (result == null) {
			result = allPostings();
		}
		for (Matcher matcher : matchers) {
			if (matcher.matchesEmpty()) {
				result = result.without(postingsMatching(matcher.name(), value -> !matches(matcher, value, cancelled)));
			}
		}
		return result;
	}

	private Postings positive(Matcher matcher, BooleanSupplier cancelled) {
		List<String> exact = matcher.exactValues();
		if (exact == null) {
			return postingsMatching(matcher.name(), value -> matches(matcher, value, cancelled));
		}
		List<Postings> lists = new ArrayList<>(exact.size());
		for (String value : exact) {
			lists.add(postings(matcher.name(), value));
		}
		return Postings.unionAll(lists);
	}

	private static boolean matches(Matcher matcher, String value, BooleanSupplier cancelled) {
		if (cancelled.getAsBoolean()) {
			throw new QueryCancelledException();
		}
		return matcher.matches(value);
	}

}

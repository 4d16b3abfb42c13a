/* Unit tests for common/intern, and its use by a fleet's outcomes. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/intern.h"
#include "orchestrator/outcome.h"

Test(intern, equal_texts_are_one_copy)
{
	struct intern in = INTERN_INIT;
	char a[] = "<Migration u1 1 one>", b[] = "<Migration u1 1 one>";
	const char *pa = intern_get(&in, a), *pb = intern_get(&in, b);

	cr_assert_eq(pa, pb);
	cr_assert_neq(pa, a, "the set keeps its own copy");
	cr_assert_str_eq(pa, a);
	cr_assert_neq(intern_get(&in, "<Migration u2 2 two>"), pa);
	cr_assert_eq(in.n, 2);
	intern_release(&in);
	cr_assert_eq(in.n, 0);
}

Test(intern, texts_survive_growth)
{
	struct intern in = INTERN_INIT;
	const char *first[1000];
	char text[32];
	int i;

	for (i = 0; i < 1000; i++) {
		snprintf(text, sizeof(text), "line %d", i);
		first[i] = intern_get(&in, text);
	}
	cr_assert_eq(in.n, 1000);
	for (i = 0; i < 1000; i++) {
		snprintf(text, sizeof(text), "line %d", i);
		cr_assert_eq(intern_get(&in, text), first[i], "line %d", i);
		cr_assert_str_eq(first[i], text);
	}
	cr_assert_eq(in.n, 1000);
	cr_assert_str_eq(intern_get(&in, ""), "");
	intern_release(&in);
}

/* A fleet's outcomes share one set: a plan line that every target lists
 * is kept once, and a retry does not lose the set. */
Test(intern, outcomes_share_their_results)
{
	struct intern in = INTERN_INIT;
	struct outcome a, b;

	outcome_init(&a);
	outcome_init(&b);
	a.texts = b.texts = &in;
	outcome_add_result(&a, "<Migration u1 1 one>");
	outcome_add_result(&b, "<Migration u1 1 one>");
	outcome_add_result(&b, "<Migration u2 2 two>");
	cr_assert_eq(a.nresults, 1);
	cr_assert_eq(b.nresults, 2);
	cr_assert_eq(a.results[0], b.results[0]);
	cr_assert_eq(in.n, 2);
	outcome_retry(&b);
	cr_assert_eq(b.nresults, 0);
	cr_assert_eq(b.texts, &in);
	outcome_release(&a);
	outcome_release(&b);
	cr_assert_str_eq(intern_get(&in, "<Migration u2 2 two>"),
			 "<Migration u2 2 two>");
	cr_assert_eq(in.n, 2, "released outcomes leave the shared set whole");
	intern_release(&in);
}

/* Without a shared set an outcome keeps one of its own. */
Test(intern, an_outcome_alone_has_its_own_set)
{
	struct outcome o;

	outcome_init(&o);
	outcome_add_result(&o, "x");
	outcome_add_result(&o, "x");
	cr_assert_eq(o.nresults, 2);
	cr_assert_eq(o.results[0], o.results[1]);
	cr_assert(o.own_texts);
	outcome_release(&o);
	cr_assert_null(o.texts);
}

#include "test.h"
#include "web/html.h"

#include <string.h>

static void test_escaping(void)
{
	test_begin("html: text, attribute and URL escaping");
	struct buf b;
	buf_init(&b);
	html_txt(&b, "<script>alert('x')</script> & \"q\"");
	test_assert(strcmp(b.data, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;") == 0);
	buf_reset(&b);
	html_attr(&b, "\" onmouseover=\"x");
	test_assert(strchr(b.data, '"') == NULL);
	buf_reset(&b);
	html_url_arg(&b, "a b/c?d=Олена&");
	test_assert(strcmp(b.data, "a%20b%2Fc%3Fd%3D%D0%9E%D0%BB%D0%B5%D0%BD%D0%B0%26") == 0);
	buf_reset(&b);
	html_txt(&b, "Коваленко");
	test_assert(strcmp(b.data, "Коваленко") == 0);
	buf_free(&b);
	test_end();
}

void test_suite_html(void)
{
	test_escaping();
}

package dev.llmstream.frontend.template;

import static dev.llmstream.frontend.template.Templates.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Expressions with Python/Jinja semantics that chat templates rely on. Expected values are what
 * Jinja 2 (Python) renders for the same snippet over
 * {@link Templates#CONVERSATION} (system S, user U1, assistant A1, user U2).
 */
class PythonExpressionsTest {

    @Test
    void listSlicingAndNegativeIndexing() {
        assertThat(render("{{ messages[-1].content }}|{{ messages[1:]|length }}|"
                + "{{ messages[:-1]|map(attribute='role')|join(',') }}|{{ (messages[::-1]|first).content }}|"
                + "{{ messages[::2]|map(attribute='content')|join(',') }}"))
                .isEqualTo("U2|3|system,user,assistant|U2|S,A1");
    }

    @Test
    void stringSlicingAndClampedRanges() {
        assertThat(render("{{ 'abcdef'[1:4] }}|{{ 'abcdef'[::-1] }}|{{ 'abcdef'[-2:] }}|{{ 'abcdef'[::2] }}|"
                + "{{ [1,2,3,4,5][3:1:-1] }}|{{ [1,2,3][10:] }}"))
                .isEqualTo("bcd|fedcba|ef|ace|[4, 3]|[]");
    }

    @Test
    void sliceStepZeroIsAClearError() {
        assertThatThrownBy(() -> render("{{ [1, 2][::0] }}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("slice step cannot be zero");
    }

    @Test
    void additionWithoutSpacesBeforeADigit() {
        // Jinjava alone reads "+1" as unary plus and fails on n+1
        assertThat(render("{% set n = 2 %}{{ n+1 }}|{{ messages[n-1].role }}|{{ messages[n+1].content }}|"
                + "{{ messages[:n+1]|length }}"))
                .isEqualTo("3|user|U2|3");
    }

    @Test
    void notAndOrFollowPythonPrecedenceAndValues() {
        assertThat(render("{{ not 'a' in 'xyz' }}|{{ not true and false }}|{{ not messages is defined }}|"
                + "{{ 'x' and 'y' }}|{{ '' and 'y' }}|{{ '' or 'z' }}|{{ 0 or none or 'last' }}"))
                .isEqualTo("True|False|False|y||z|last");
    }

    @Test
    void namespaceWithExpressionArgumentsAndAttributeAssignment() {
        assertThat(render("{% set ns = namespace(last=messages|length - 1, found=false) %}"
                + "{% for m in messages %}{% if m.role == 'assistant' %}{% set ns.found = true %}{% endif %}"
                + "{% endfor %}{{ ns.last }} {{ ns.found }}"))
                .isEqualTo("3 True");
    }

    @Test
    void stringStripAndSplit() {
        assertThat(render("{{ '  hi  '.strip() }}|{{ 'xxhixx'.strip('x') }}|{{ '\\n\\nhi'.lstrip('\\n') }}|"
                + "{{ 'hi  '.rstrip() }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'a b c'.split(' ', 1) }}|"
                + "{{ 'a b c'.rsplit(' ', 1) }}"))
                .isEqualTo("hi|hi|hi|hi|['a', 'b', '', 'c']|['a', 'b']|['a', 'b c']|['a b', 'c']");
    }

    @Test
    void stringPredicatesAndCaseMethods() {
        assertThat(render("{{ 'Hello'.startswith('He') }} {{ 'Hello'.endswith(('x', 'lo')) }} "
                + "{{ 'a-b-c'.replace('-', '+') }} {{ 'a-b-c'.replace('-', '+', 1) }} {{ 'Hello'.upper() }} "
                + "{{ 'Hello'.lower() }} {{ \"they're bill's\".title() }} {{ 'hELLO'.capitalize() }}"))
                .isEqualTo("True True a+b+c a+b-c HELLO hello They'Re Bill'S Hello");
    }

    @Test
    void stringSearchJoinAndFormat() {
        assertThat(render("{{ 'banana'.find('an') }} {{ 'banana'.rfind('an') }} {{ 'banana'.find('x') }} "
                + "{{ 'banana'.count('a') }} {{ ', '.join(['a', 'b']) }} {{ 'a1'.isalnum() }} {{ '12'.isdigit() }} "
                + "{{ '{}-{}'.format('a', 1) }} {{ '{x}!'.format(x='hi') }}"))
                .isEqualTo("1 3 -1 3 a, b True True a-1 hi!");
    }

    @Test
    void splittingTheThinkBlockLikeQwen() {
        assertThat(render("{% set c = '<think>\\nplan\\n</think>\\n\\nanswer' %}"
                + "{{ c.split('</think>')[-1].lstrip('\\n') }}|{{ c.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') }}"))
                .isEqualTo("answer|plan");
    }

    @Test
    void badStringMethodArgumentsAreClearErrors() {
        assertThatThrownBy(() -> render("{{ 'a'.split('') }}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("empty separator");
        assertThatThrownBy(() -> render("{{ 'a'.startswith(1) }}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("startswith first arg must be str");
        assertThatThrownBy(() -> render("{{ '-'.join([1, 2]) }}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("sequence item 0: expected str instance");
    }

    @Test
    void dictMethodsAndIteration() {
        assertThat(render("{% set d = {'b': 1, 'a': 2} %}{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}|"
                + "{{ d.get('a') }}|{{ d.get('zz', 'dflt') }}|{{ d.keys()|list }}|{{ d.values()|list }}|{{ 'a' in d }}|"
                + "{% for k in d %}{{ k }}{% endfor %}"))
                .isEqualTo("b=1;a=2;|2|dflt|['b', 'a']|[1, 2]|True|ba");
    }

    @Test
    void typeTests() {
        assertThat(render("{{ 'x' is string }} {{ 1 is string }} {{ {} is mapping }} {{ [] is mapping }} "
                + "{{ undefined_var is defined }} {{ messages is defined }} {{ none is none }} {{ 'abc' is iterable }} "
                + "{{ 5 is iterable }} {{ 'abc' is sequence }} {{ 3 is number }} {{ 'b' is in 'abc' }}"))
                .isEqualTo("True False True False False True True True False True True True");
    }

    @Test
    void commonFilters() {
        assertThat(render("{{ messages|length }} {{ '  x '|trim }} {{ (messages|first).role }} {{ (messages|last).content }} "
                + "{{ messages|selectattr('role', 'equalto', 'user')|list|length }} "
                + "{{ messages|rejectattr('role', 'equalto', 'user')|map(attribute='role')|join('+') }} "
                + "{{ [3,1,2]|min }} {{ [3,1,2]|max }} {% for k, v in {'k': 'v'}|items %}{{ k }}:{{ v }}{% endfor %} "
                + "{{ undefined_var|trim }}|{{ {'a': 1}|string }}"))
                .isEqualTo("4 x system U2 2 system+assistant 1 3 k:v |{'a': 1}");
    }

    @Test
    void printingFollowsPythonStr() {
        assertThat(render("{{ true }} {{ false }} {{ 1.5 }} {{ 2.0 }} {{ [1, 'a', true, none] }} {{ {'a': false} }}"))
                .isEqualTo("True False 1.5 2.0 [1, 'a', True, None] {'a': False}");
    }

    @Test
    void unknownFiltersTestsAndFunctionsFailInsteadOfRenderingNothing() {
        assertThatThrownBy(() -> render("{{ 'x'|from_json }}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("No filter named 'from_json'");
        assertThatThrownBy(() -> render("{% if 'x' is callable %}{% endif %}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("No test named 'callable'");
        assertThatThrownBy(() -> render("{{ no_such_function() }}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("no_such_function");
    }
}

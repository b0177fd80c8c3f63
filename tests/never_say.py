"""Words users must never see (the spec's "never say" table), in English and Chinese."""

import re

FORBIDDEN = re.compile(
    r"\b(api|http|polling|poll|script|attribute_id|attribute id|model_version|form_config|product list|"
    r"credit_rules|task_id|json|status code|error code|traceback|exception|6006|6010)\b"
    r"|\b(error|code|status|http)\s*[1-6]\d\d\b|错误\s*\d{3,4}"
    r"|脚本|轮询|接口|商品列表|产品列表|错误码|状态码|API",
    re.IGNORECASE,
)


def offending(text: str) -> list[str]:
    return [m.group(0) for m in FORBIDDEN.finditer(text)]

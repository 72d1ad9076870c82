"""HTML of the fixture shop: list pages (MUSINSA.md §3.1), codimap detail pages (§3.2, slot
variant A in 2022, variant B in 2023) and goods pages (§3.3 with the stateAll JSON), rendered
from the site model.  Quirks of nasty cases 1, 2, 3 and 12 are decided here from the ids, so the
same site always renders the same bytes.
"""
import html
import json
import zlib

from sitemodel import ITEM_CATEGORIES, STYLE_NAMES, list_page

GIF_PLACEHOLDER = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
OPT_KIND = {"Shoes": "SHOES", "Sports": "SHOES", "Top": "CLOTHES", "Outer": "CLOTHES",
            "Pants": "CLOTHES", "Bag": "BAG", "Headwear": "ACC", "Socks": "ACC"}


def pick(key, n):
    """A stable small integer from a string (crc32), for deterministic quirks."""
    return zlib.crc32(key.encode()) % n


def esc(text):
    return html.escape(text, quote=True)


def goods_img_url(g, size, form=None, host=None):
    form = form or g["img_form"]
    host = host or g["img_host"]
    path = "/images/goods_img/%s/%s/%s_%s_%s.jpg" % (g["date"], g["no"], g["no"], g["k"], size)
    if form == "root":
        return path + g["buster"]
    if form == "absolute":
        return "http://%s%s%s" % (host, path, g["buster"])
    return "//%s%s%s" % (host, path, g["buster"])


def goods_href(cid, index, no):
    """Slot links in the four URL forms of case 2 (root-relative, absolute, store. alias)."""
    form = pick("%s/%d" % (cid, index), 8)
    if form == 5:
        return "http://www.musinsa.com/app/goods/%s/0" % no
    if form == 6:
        return "//store.musinsa.com/app/goods/%s/0" % no
    if form == 7:
        return "http://store.musinsa.com/app/goods/%s" % no
    return "/app/goods/%s/0" % no


def list_thumb(cid):
    ts = "2022%02d%02d%02d%02d%02d" % (1 + pick(cid, 12), 1 + pick(cid + "d", 28), pick(cid + "h", 24),
                                       pick(cid + "m", 60), pick(cid + "s", 60))
    if pick(cid + "host", 10) == 0:
        return "//image.musinsa.com/images/codimap/list/%s.jpg" % ts
    return "//image.msscdn.net/images/codimap/list/l_3_%s%08d.jpg?%s" % (ts, int(cid) * 7 % 10 ** 8,
                                                                         ts[:12])


def page_head(title, gf, variant, extra=""):
    return ("<!DOCTYPE html>\n<html lang=\"ko\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta http-equiv=\"X-UA-Compatible\" content=\"IE=edge\">\n<title>%s</title>\n"
            "<meta property=\"og:url\" content=\"http://www.musinsa.com/app/codimap/lists?_gf=%s\">\n"
            "%s<script type=\"text/javascript\">var THIS_PAGE_GF = '%s'; var SITE_VARIANT = '%s';"
            "</script>\n</head>\n" % (esc(title), gf, extra, gf, variant))


def header(variant):
    if variant == "2023":
        return "<body>\n<div id=\"commonLayoutHeader\"><a href=\"/\" class=\"logo\">MUSINSA</a></div>\n"
    return ("<body>\n<div class=\"header-wrapper\">\n<a href=\"/\" class=\"logo\">MUSINSA</a>\n"
            "<div class=\"global-filter\">\n"
            "<button type=\"button\" class=\"global-filter__button global-filter__button--all\""
            " onclick=\"setGlobalFilter('A')\">전체</button>\n"
            "<button type=\"button\" class=\"global-filter__button global-filter__button--mensinsa\""
            " onclick=\"setGlobalFilter('M')\">남성</button>\n"
            "<button type=\"button\" class=\"global-filter__button global-filter__button--wusinsa\""
            " onclick=\"setGlobalFilter('F')\">여성</button>\n</div>\n</div>\n")


def footer(variant):
    if variant == "2023":
        # React footer with hashed class names; the buttons set the _gf cookie (case 13)
        return ("<footer id=\"footerCommonPc\">\n<div class=\"sc-pvystx-0 kHxnlU\">"
                "<button type=\"button\" class=\"sc-pvystx-1 gBqTnz\" data-gf=\"M\">남성</button>"
                "<button type=\"button\" class=\"sc-pvystx-1 gBqTnz\" data-gf=\"F\">여성</button>"
                "</div>\n<p class=\"sc-pvystx-2\">(주)무신사 | 서울특별시 성동구</p>\n</footer>\n"
                "</body>\n</html>\n")
    return ("<div id=\"footer\"><p class=\"copyright\">Copyright &copy; MUSINSA. All rights "
            "reserved.</p></div>\n</body>\n</html>\n")


def render_list(site, style, gf, page, variant):
    ids, count, total_pages = list_page(site, style, gf, page)
    quirky = pick("%s:%s:%d" % (style, gf, page), 3) == 0      # case 12: unclosed <li>, &nbsp;
    placeholder = pick("%s:%s:%d:p" % (style, gf, page), 2) == 0  # case 1: base64 gif src
    out = [page_head("코디맵 - %s | 무신사" % STYLE_NAMES.get(style, "전체"), gf, variant), header(variant)]
    out.append("<form name=\"f1\" method=\"get\" action=\"/app/codimap/lists\">\n")
    for name, value in (("style_type", style), ("tag_no", ""), ("brand", ""), ("display_cnt", "60"),
                        ("list_kind", "big"), ("sort", "date"), ("page", str(page))):
        out.append("<input type=\"hidden\" name=\"%s\" value=\"%s\">\n" % (name, esc(value)))
    out.append("</form>\n<div id=\"catelist\" class=\"catelist\">\n<p class=\"article_title\">스타일</p>\n"
               "<ul>\n<li class=\"brand_list\"><a href=\"javascript:void(0);\" "
               "onClick=\"set('','','')\">전체</a></li>\n")
    for code, name in STYLE_NAMES.items():
        active = " active" if code == style else ""
        out.append("<li class=\"brand_list%s\"><a href=\"javascript:void(0);\" onClick=\"set('','%s','')\">"
                   "%s</a></li>\n" % (active, code, name))
    out.append("</ul>\n</div>\n<div class=\"right_contents hover_box\">\n<div class=\"boxed-list-wrapper\">\n"
               "<div class=\"thumbType-box\">\n<span class=\"counter\">스타일 수 : %s개</span>\n"
               "<span class=\"pagingNumber\"><span class=\"currentPagingNum\">%d</span> / "
               "<span class=\"totalPagingNum\">%d</span></span>\n</div>\n"
               "<ul class=\"style-list style-list--full\">\n" % ("{:,}".format(count), page, total_pages))
    for i, cid in enumerate(ids):
        cm = site["codimaps"][cid]
        title = esc(cm["title"]).replace(" ", "&nbsp;", 1) if quirky and i % 5 == 0 else esc(cm["title"])
        thumb = list_thumb(cid)
        if i < 12:
            img = "<img src=\"%s\" class=\"style-list-thumbnail__img\" alt=\"%s\">" % (thumb, title)
        elif placeholder:
            img = ("<img src=\"%s\" data-original=\"%s\" class=\"style-list-thumbnail__img lazyload\" "
                   "alt=\"%s\">" % (GIF_PLACEHOLDER, thumb, title))
        else:
            img = ("<img data-original=\"%s\" class=\"style-list-thumbnail__img lazyload\" alt=\"%s\">"
                   % (thumb, title))
        yy, mm, dd = cm["date"].split(".")
        new = "<span class=\"post-information__text post-information__text--new\">N</span>\n" \
            if page == 1 and i < 3 else ""
        out.append(
            "<li class=\"style-list-item\">\n<div class=\"style-list-item__thumbnail\">\n"
            "<a href=\"javascript:void(0);\" class=\"style-list-item__link\" onclick=\"goView('%s');\" "
            "title=\"%s\">\n<div class=\"style-list-thumbnail\">\n%s\n</div>\n</a>\n</div>\n"
            "<div class=\"style-list-information\">\n<a href=\"javascript:void(0);\" "
            "class=\"style-list-information__link\" title=\"%s\">\n"
            "<span class=\"style-list-information__text\" onclick=\"goCate('%s');\">%s</span>\n"
            "<strong class=\"style-list-information__title\" onclick=\"goView('%s');\">%s</strong>\n"
            "</a>\n</div>\n<div class=\"post-information\">\n%s"
            "<span class=\"post-information__text\">%s.%s.%s</span>\n"
            "<span class=\"post-information__text\">조회 %s</span>\n</div>\n%s"
            % (cid, title, img, title, cm["style"], STYLE_NAMES[cm["style"]], cid, title, new,
               yy[2:], mm, dd, "{:,}".format(cm["views"]),
               "" if quirky and i % 7 == 3 else "</li>\n"))
    out.append("</ul>\n<div class=\"pagination-box\">\n<div class=\"pagination bottom\"><div class=\"wrapper\">\n")
    out.append("<a href=\"javascript:void(0);\" class=\"paging-btn btn first\" "
               "onClick=\"listSwitchPage(document.f1,'1')\">처음</a>\n")
    for n in range(1, total_pages + 1):
        active = " active" if n == page else ""
        out.append("<a href=\"javascript:void(0);\" class=\"paging-btn number%s\" "
                   "onClick=\"listSwitchPage(document.f1,'%d')\">%d</a>\n" % (active, n, n))
    out.append("<a href=\"javascript:void(0);\" class=\"paging-btn btn last\" "
               "onClick=\"listSwitchPage(document.f1,'%d')\">마지막</a>\n</div></div>\n</div>\n"
               "</div>\n</div>\n" % total_pages)
    out.append(footer(variant))
    return "".join(out)


def slot_html(site, cid, index, no, variant, active):
    if no is None:
        return ("<div class=\"swiper-slide style_contents_size\">\n<div class=\"soldout\">"
                "판매가 종료된 상품입니다</div>\n</div>\n")
    g = site["goods"][no]
    href = goods_href(cid, index, no)
    src = goods_img_url(g, "220", form="protocol")
    if pick("%s/%d/lazy" % (cid, index), 3) == 0:
        img = "<img class=\"lazyload\" src=\"%s\" data-original=\"%s\" alt=\"%s\">" % (
            GIF_PLACEHOLDER, src, esc(g["name"]))
    else:
        img = "<img src=\"%s\" alt=\"%s\">" % (src, esc(g["name"]))
    cls = "swiper-slide style_contents_size" + (" swiper-slide-active" if active == 0 else
                                                " swiper-slide-next" if active == 1 else "")
    if variant == "2023":
        pic = "<div class=\"box-img\">\n<a href=\"%s\">%s</a>\n</div>\n" % (href, img)
    else:
        pic = "<a class=\"styling_img\" href=\"%s\">%s</a>\n" % (href, img)
    price = g["price"]
    return ("<div class=\"%s\">\n%s<a class=\"brand\" href=\"/app/brands/b%d\">%s</a>\n"
            "<a class=\"brand_item\" href=\"%s\">%s</a>\n"
            "<div class=\"price\">%s원 <del>%s원</del>\n20%%</div>\n</div>\n"
            % (cls, pic, pick(g["brand"], 1000), esc(g["brand"]), href, esc(g["name"]),
               "{:,}".format(price * 8 // 10), "{:,}".format(price)))


def render_detail(site, cid, variant):
    cm = site["codimaps"][cid]
    gf = cm["gender"]
    out = [page_head("%s | 코디맵 | 무신사" % cm["title"], gf, variant), header(variant)]
    text = "%s 스타일을 완성하는 아이템을 소개합니다." % STYLE_NAMES[cm["style"]]
    if cm.get("quirk") == "shoe-removed":
        text = "깔끔한 스니커즈로 완성한 코디입니다. 신발은 아래 상품 목록을 확인하세요."
    out.append(
        "<div id=\"style_info\">\n<div class=\"styling_content codimap-contents\">\n<h2>%s</h2>\n"
        "<p class=\"styling_date\">%s | %s</p>\n<span id=\"view_num\">조회 %s</span>\n"
        "<div class=\"codimap-cont\"><img class=\"photo\" src=\"//image.msscdn.net/images/codimap/detail/"
        "%s/detail_%s_1_500.jpg?%s1200\" alt=\"%s\"></div>\n<p class=\"styling_txt\">%s</p>\n"
        "<div class=\"styling_tag\"><p>태그&nbsp;&gt;</p>\n<div class=\"ui-tag-list\">%s</div></div>\n"
        "</div>\n"
        % (esc(cm["title"]), cm["date"], STYLE_NAMES[cm["style"]], "{:,}".format(cm["views"]), cid, cid,
           cm["date"].replace(".", ""), esc(cm["title"]), text,
           "".join("<a href=\"javascript:void(0);\" data-tagname=\"%s\">#%s</a>" % (t, t)
                   for t in cm["tags"])))
    slots = list(cm["slots"])
    if cm.get("empty_slot"):
        slots.insert(len(slots) // 2, None)
    body = "".join(slot_html(site, cid, i, no, variant, i) for i, no in enumerate(slots))
    listing = "<div class=\"styling_list swiper-wrapper\">\n%s</div>\n" % body
    if cm["wrapper"]:      # case 12: the extra wrapper level some pages have
        inner = ("<div>\n<div class=\"swiper-title\">코디 상품</div>\n<div class=\"swiper-count\">%d</div>\n"
                 "<div>\n<div class=\"swiper-container\">\n%s</div>\n</div>\n</div>\n"
                 % (len(cm["slots"]), listing))
    else:
        inner = "<div>\n<div>\n%s</div>\n</div>\n" % listing
    out.append("<div class=\"styling_goods codimap-goods\">\n<div>\n%s</div>\n</div>\n</div>\n" % inner)
    out.append(footer(variant))
    return "".join(out)


def related_thumbs(site, no, count):
    keys = sorted(site["goods"])
    out = []
    for i in range(count):
        other = site["goods"][keys[pick("%s/rel%d" % (no, i), len(keys))]]
        out.append("<li><a href=\"/app/goods/%s/0\"><img src=\"%s\" alt=\"\"></a></li>\n"
                   % (other["no"], goods_img_url(other, "125", form="protocol")))
    return "<ul class=\"related-list\">\n%s</ul>\n" % "".join(out)


def render_goods(site, no):
    g = site["goods"][no]
    if g["page"] == "alert":     # case 8: sold-out goods, a JS alert and nothing else
        return ("<!DOCTYPE html>\n<html lang=\"ko\"><head><meta charset=\"utf-8\"><title>무신사</title>\n"
                "<script type=\"text/javascript\">alert('판매 종료된 상품입니다'); history.back();</script>\n"
                "</head><body></body></html>\n")
    big, sub, eng = ITEM_CATEGORIES[g["code"]]
    big_code = g["code"][:3]
    img500 = goods_img_url(g, "500")
    og = goods_img_url(g, "500", form="absolute", host="image.msscdn.net")
    state = {"productInfo": {
        "goods_no": int(no), "goods_nm": g["name"], "brand_nm": g["brand"],
        "category": "%s > %s > %s" % (eng, big, sub), "opt_kind_cd": OPT_KIND[eng],
        "img": "/images/goods_img/%s/%s/%s_%s_500.jpg" % (g["date"], no, no, g["k"]),
        "img_prd_list": [
            {"kind": "L", "big_img": "/images/goods_img/%s/%s/%s_%s_big.jpg" % (g["date"], no, no, g["k"]),
             "thumb_img": "/images/goods_img/%s/%s/%s_%s_60.jpg" % (g["date"], no, no, g["k"])},
            {"kind": "D", "big_img": "/images/prd_img/%s/%s/detail_%s_1_big.jpg" % (g["date"], no, no)}],
        "price": g["price"]}}
    state_js = json.dumps(state, ensure_ascii=False).replace("/", "\\/")
    out = ["<!DOCTYPE html>\n<html lang=\"ko\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<title>%s %s - 사이즈 &amp; 후기 | 무신사</title>\n"
           "<meta property=\"og:title\" content=\"%s\">\n<meta property=\"og:image\" content=\"%s\">\n"
           "<link rel=\"canonical\" href=\"http://www.musinsa.com/app/goods/%s\">\n</head>\n<body>\n"
           % (esc(g["brand"]), esc(g["name"]), esc(g["name"]), og, no)]
    out.append("<div class=\"recent-goods\"><p>최근 본 상품</p>\n%s</div>\n" % related_thumbs(site, no, 3))
    if g["page"] == "popup":
        out.append("<div class=\"n-layer-notice\" style=\"display:block\">\n<div class=\"n-layer-notice__inner\">"
                   "<p>배송 지연 안내</p><img src=\"//image.msscdn.net/images/event_banner/notice_500.jpg\" "
                   "alt=\"공지\"><button type=\"button\">닫기</button></div>\n</div>\n")
    out.append("<div class=\"right_area page_detail_product\">\n<div class=\"product_info\">\n")
    if g["page"] != "no_categories":
        out.append("<p class=\"item_categories\">\n<a href=\"//www.musinsa.com/categories/item/%s\">%s</a> &gt; "
                   "<a href=\"//www.musinsa.com/categories/item/%s\">%s</a>&nbsp;\n"
                   "<a href=\"//www.musinsa.com/brands/b%d?category3DepthCodes=%s\">(%s)</a>\n</p>\n"
                   % (big_code, big, g["code"], esc(sub), pick(g["brand"], 1000), g["code"], esc(g["brand"])))
    out.append("<span class=\"product_title\"><em>%s</em></span>\n</div>\n" % esc(g["name"]))
    if g["page"] == "product_img":
        out.append("<div class=\"product-img\"><img src=\"%s\" alt=\"%s\"></div>\n" % (img500, esc(g["name"])))
    elif g["page"] != "og_only":
        out.append("<div class=\"product-img\"><img id=\"bigimg\" class=\"plus_cursor\" src=\"%s\" alt=\"%s\">"
                   "</div>\n" % (img500, esc(g["name"])))
    out.append("<div class=\"price_info\"><span class=\"product_article_price\">%s원</span></div>\n</div>\n"
               % "{:,}".format(g["price"]))
    out.append("<div class=\"other-goods\"><p>이 브랜드의 다른 상품</p>\n%s</div>\n" % related_thumbs(site, no + "o", 6))
    out.append("<script type=\"text/javascript\">\nvar stateAll = %s;\n</script>\n</body>\n</html>\n" % state_js)
    return "".join(out)


def render_home():
    return ("<!DOCTYPE html>\n<html lang=\"ko\"><head><meta charset=\"utf-8\"><title>무신사 스토어</title></head>\n"
            "<body><div id=\"main\"><h1>MUSINSA</h1><p>다 무신사랑 해</p></div></body></html>\n")


def render_not_found():
    return ("<!DOCTYPE html>\n<html lang=\"ko\"><head><meta charset=\"utf-8\"><title>404 | 무신사</title></head>\n"
            "<body><div class=\"error\"><p>요청하신 페이지를 찾을 수 없습니다.</p></div></body></html>\n")


ROBOTS_WWW = "User-agent: *\nCrawl-delay: 0\nDisallow: /app/cs/\n"
ROBOTS_IMG = "User-agent: *\nDisallow:\n"

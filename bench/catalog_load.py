"""A realistic catalogue of N products, bulk-loaded with COPY (psycopg 3), for storefront benchmarks.

    .venv/bin/python bench/catalog_load.py postgresql://USER@HOST:PORT/DB N [--seed S]

The database must be migrated and its markets synced (``flask db upgrade``, ``flask markets
sync``); the loader reads each market's certificate rules from it. It writes, in one transaction:

* 50 approved sellers (valid business numbers), each selling one or two of the five categories;
* N products over cosmetics, food, fashion, electronics and household (~90% active, the rest
  drafts or archived), created over the past year, with 1 or 2 variants (1.33 on average) priced
  in KRW, a few with an explicit JP or US price;
* text in all eight locales: title, short description, an HTML description and the search text
  (``shop.catalog.services.text.search_text`` of title, short description and brand); about 3%
  of the products are a green tea line ("Green Tea", "녹차", "緑茶" …);
* certificates for what each market requires before sale (``availability.required_certificates``):
  most verified, some pending, rejected, expired or missing, so some products are not purchasable
  in some markets;
* warehouses (the Incheon hub, fulfilment centres in the US, JP and EU, some sellers' own
  stockrooms) and stock levels, each with its one ``receipt`` movement, so every level equals the
  sum of its ledger; some variants have no stock (``out``) and some only a few units (``low``).

Ids have the shape of ``shop.core.db.new_id`` (prefix, underscore, 20 base36 characters), drawn from a
generator seeded with ``seed`` and N, so a size always gets the same catalogue. The listing index is
not touched: rebuild it afterwards (``flask storefront rebuild``).
"""
from __future__ import annotations

import json
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the packages before bench/ (whose returns.py would shadow returns)

LOCALES = ("ko", "en", "ja", "zh-Hans", "zh-Hant", "vi", "de", "fr")
SELLERS = 50
ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"  # shop.core.db.new_id's
YEAR = timedelta(days=365)
VALID_FROM, VALID_UNTIL, EXPIRED_ON = date(2024, 1, 1), date(2030, 12, 31), date(2025, 6, 30)
GREEN_TEA_SHARE = 0.065  # of cosmetics and food lines: ~3% of all products

# Terms in the order of LOCALES.
GREEN_TEA = ("녹차", "Green Tea", "緑茶", "绿茶", "綠茶", "Trà xanh", "Grüntee", "thé vert")
CATEGORIES = {
    "cosmetics": {
        "weight": 0.28, "hs_codes": ("330499", "330410", "340130"), "price": (8000, 60000),
        "sizes": ("30ml", "50ml", "100ml", "150ml", "200ml"), "option": "volume",
        "kinds": [
            ("토너", "Toner", "化粧水", "爽肤水", "化妝水", "Nước hoa hồng", "Gesichtswasser", "Lotion tonique"),
            ("세럼", "Serum", "美容液", "精华液", "精華液", "Tinh chất", "Serum", "Sérum"),
            ("크림", "Cream", "クリーム", "面霜", "面霜", "Kem dưỡng", "Creme", "Crème"),
            ("클렌징 폼", "Cleansing Foam", "洗顔フォーム", "洁面泡沫", "潔面泡沫", "Sữa rửa mặt", "Reinigungsschaum",
             "Mousse nettoyante"),
            ("시트 마스크", "Sheet Mask", "シートマスク", "片状面膜", "片狀面膜", "Mặt nạ giấy", "Tuchmaske",
             "Masque en tissu"),
            ("선크림", "Sunscreen", "日焼け止め", "防晒霜", "防曬霜", "Kem chống nắng", "Sonnencreme", "Crème solaire"),
            ("립밤", "Lip Balm", "リップバーム", "润唇膏", "潤唇膏", "Son dưỡng", "Lippenbalsam", "Baume à lèvres"),
        ],
        "lines": [
            GREEN_TEA,
            ("쌀", "Rice", "米", "大米", "大米", "Gạo", "Reis", "riz"),
            ("인삼", "Ginseng", "高麗人参", "人参", "人參", "Nhân sâm", "Ginseng", "ginseng"),
            ("병풀", "Centella", "ツボクサ", "积雪草", "積雪草", "Rau má", "Centella", "centella"),
            ("쑥", "Mugwort", "よもぎ", "艾草", "艾草", "Ngải cứu", "Beifuß", "armoise"),
            ("달팽이", "Snail Mucin", "カタツムリ", "蜗牛", "蝸牛", "Ốc sên", "Schneckenschleim", "bave d'escargot"),
            ("유자", "Yuja", "ゆず", "柚子", "柚子", "Thanh yên", "Yuzu", "yuzu"),
            ("프로폴리스", "Propolis", "プロポリス", "蜂胶", "蜂膠", "Keo ong", "Propolis", "propolis"),
            ("히알루론산", "Hyaluronic", "ヒアルロン酸", "玻尿酸", "玻尿酸", "Hyaluronic", "Hyaluron", "hyaluronique"),
        ],
    },
    "food": {
        "weight": 0.20, "hs_codes": ("090210", "210690", "190230", "200899"), "price": (5000, 45000),
        "sizes": ("100g", "250g", "500g", "20 bags", "5 packs"), "option": "pack",
        "kinds": [
            ("잎차", "Loose Leaf Tea", "茶葉", "散装茶叶", "散裝茶葉", "Trà lá", "Loser Tee", "Thé en vrac"),
            ("티백", "Tea Bags", "ティーバッグ", "袋泡茶", "茶包", "Trà túi lọc", "Teebeutel", "Sachets de thé"),
            ("김 스낵", "Seaweed Snack", "海苔スナック", "海苔零食", "海苔零食", "Snack rong biển", "Seetang-Snack",
             "Snack aux algues"),
            ("라면", "Instant Noodles", "インスタントラーメン", "方便面", "泡麵", "Mì ăn liền", "Instantnudeln",
             "Nouilles instantanées"),
            ("홍삼 정", "Red Ginseng Extract", "紅参エキス", "红参精", "紅參精", "Cao hồng sâm",
             "Roter-Ginseng-Extrakt", "Extrait de ginseng rouge"),
            ("떡", "Rice Cakes", "トック", "年糕", "年糕", "Bánh gạo", "Reiskuchen", "Gâteaux de riz"),
            ("초콜릿", "Chocolate", "チョコレート", "巧克力", "巧克力", "Sô-cô-la", "Schokolade", "Chocolat"),
        ],
        "lines": [
            GREEN_TEA,
            ("오리지널", "Original", "オリジナル", "原味", "原味", "Nguyên bản", "Original", "original"),
            ("매운맛", "Spicy", "辛口", "香辣", "香辣", "Vị cay", "Scharf", "épicé"),
            ("꿀", "Honey", "はちみつ", "蜂蜜", "蜂蜜", "Mật ong", "Honig", "miel"),
            ("보리", "Barley", "麦", "大麦", "大麥", "Lúa mạch", "Gerste", "orge"),
            ("참깨", "Sesame", "ごま", "芝麻", "芝麻", "Mè", "Sesam", "sésame"),
            ("유자", "Yuja", "ゆず", "柚子", "柚子", "Thanh yên", "Yuzu", "yuzu"),
            ("제주 감귤", "Jeju Tangerine", "済州みかん", "济州柑橘", "濟州柑橘", "Quýt Jeju", "Jeju-Mandarine",
             "mandarine de Jeju"),
        ],
    },
    "fashion": {
        "weight": 0.20, "hs_codes": ("610910", "611020", "611595", "621420", "420222", "650500"),
        "price": (15000, 120000), "sizes": ("S", "M", "L", "XL", "Free"), "option": "size",
        "kinds": [
            ("티셔츠", "T-Shirt", "Tシャツ", "T恤", "T恤", "Áo thun", "T-Shirt", "T-shirt"),
            ("후드티", "Hoodie", "パーカー", "连帽衫", "連帽衫", "Áo hoodie", "Kapuzenpullover", "Sweat à capuche"),
            ("양말 세트", "Socks Set", "靴下セット", "袜子套装", "襪子套裝", "Bộ tất", "Sockenset",
             "Lot de chaussettes"),
            ("스카프", "Scarf", "スカーフ", "围巾", "圍巾", "Khăn quàng", "Schal", "Écharpe"),
            ("에코백", "Tote Bag", "トートバッグ", "帆布包", "帆布包", "Túi tote", "Stofftasche", "Tote bag"),
            ("버킷햇", "Bucket Hat", "バケットハット", "渔夫帽", "漁夫帽", "Mũ bucket", "Fischerhut", "Bob"),
            ("한복 셔츠", "Hanbok Shirt", "韓服シャツ", "韩服衬衫", "韓服襯衫", "Áo sơ mi hanbok", "Hanbok-Hemd",
             "Chemise hanbok"),
        ],
        "lines": [
            ("블랙", "Black", "ブラック", "黑色", "黑色", "Đen", "Schwarz", "noir"),
            ("화이트", "White", "ホワイト", "白色", "白色", "Trắng", "Weiß", "blanc"),
            ("네이비", "Navy", "ネイビー", "藏青色", "藏青色", "Xanh navy", "Marineblau", "marine"),
            ("베이지", "Beige", "ベージュ", "米色", "米色", "Be", "Beige", "beige"),
            ("올리브", "Olive", "オリーブ", "橄榄绿", "橄欖綠", "Ô liu", "Oliv", "olive"),
            ("차콜", "Charcoal", "チャコール", "炭灰色", "炭灰色", "Xám than", "Anthrazit", "anthracite"),
            ("아이보리", "Ivory", "アイボリー", "象牙白", "象牙白", "Trắng ngà", "Elfenbein", "ivoire"),
        ],
    },
    "electronics": {
        "weight": 0.14, "hs_codes": ("850760", "851830", "940520", "850440", "851822", "850980"),
        "price": (20000, 250000), "sizes": ("", "", "Gen 2", "2025"), "option": "colour",
        "kinds": [
            ("보조배터리", "Power Bank", "モバイルバッテリー", "充电宝", "行動電源", "Sạc dự phòng", "Powerbank",
             "Batterie externe"),
            ("무선 이어폰", "Wireless Earbuds", "ワイヤレスイヤホン", "无线耳机", "無線耳機", "Tai nghe không dây",
             "Kabellose Ohrhörer", "Écouteurs sans fil"),
            ("LED 스탠드", "LED Desk Lamp", "LEDデスクライト", "LED台灯", "LED檯燈", "Đèn bàn LED",
             "LED-Schreibtischlampe", "Lampe de bureau LED"),
            ("USB-C 충전기", "USB-C Charger", "USB-C充電器", "USB-C充电器", "USB-C充電器", "Sạc USB-C",
             "USB-C-Ladegerät", "Chargeur USB-C"),
            ("블루투스 스피커", "Bluetooth Speaker", "Bluetoothスピーカー", "蓝牙音箱", "藍牙音箱", "Loa Bluetooth",
             "Bluetooth-Lautsprecher", "Enceinte Bluetooth"),
            ("가습기", "Humidifier", "加湿器", "加湿器", "加濕器", "Máy tạo ẩm", "Luftbefeuchter", "Humidificateur"),
            ("전기 주전자", "Electric Kettle", "電気ケトル", "电热水壶", "電熱水壺", "Ấm siêu tốc", "Wasserkocher",
             "Bouilloire électrique"),
        ],
        "lines": [(model,) * 8 for model in ("Mini", "Slim", "Pro", "Air", "Max", "Lite", "Plus", "S2")],
    },
    "household": {
        "weight": 0.18, "hs_codes": ("691200", "691110", "821599", "630499", "340600"), "price": (10000, 150000),
        "sizes": ("", "Set of 2", "Set of 4"), "option": "set",
        "kinds": [
            ("머그컵", "Mug", "マグカップ", "马克杯", "馬克杯", "Cốc", "Becher", "Mug"),
            ("밥그릇", "Rice Bowl", "ご飯茶碗", "饭碗", "飯碗", "Bát cơm", "Reisschale", "Bol à riz"),
            ("다기 세트", "Tea Set", "茶器セット", "茶具套装", "茶具套裝", "Bộ ấm trà", "Teeservice", "Service à thé"),
            ("수저 세트", "Spoon and Chopsticks Set", "スプーン箸セット", "勺筷套装", "匙筷套裝", "Bộ thìa đũa",
             "Löffel-und-Stäbchen-Set", "Set cuillère et baguettes"),
            ("쿠션 커버", "Cushion Cover", "クッションカバー", "靠垫套", "靠墊套", "Vỏ gối tựa", "Kissenbezug",
             "Housse de coussin"),
            ("향초", "Scented Candle", "アロマキャンドル", "香薰蜡烛", "香氛蠟燭", "Nến thơm", "Duftkerze",
             "Bougie parfumée"),
            ("접시", "Plate", "お皿", "盘子", "盤子", "Đĩa", "Teller", "Assiette"),
        ],
        "lines": [
            ("청자", "Celadon", "青磁", "青瓷", "青瓷", "Men ngọc", "Seladon", "céladon"),
            ("백자", "White Porcelain", "白磁", "白瓷", "白瓷", "Sứ trắng", "Weißporzellan", "porcelaine blanche"),
            ("분청", "Buncheong", "粉青", "粉青", "粉青", "Buncheong", "Buncheong", "buncheong"),
            ("달항아리", "Moon Jar", "月壺", "月亮罐", "月亮罐", "Hũ trăng", "Mondkrug", "jarre lune"),
            ("옹기", "Onggi", "オンギ", "瓮器", "甕器", "Onggi", "Onggi", "onggi"),
            ("리넨", "Linen", "リネン", "亚麻", "亞麻", "Vải lanh", "Leinen", "lin"),
            ("자개", "Mother-of-Pearl", "螺鈿", "螺钿", "螺鈿", "Khảm xà cừ", "Perlmutt", "nacre"),
        ],
    },
}
# Brand names: two syllables, romanised and in Hangul ("Hanbit", "한빛").
SYLLABLES = [("Han", "한"), ("Bit", "빛"), ("Da", "다"), ("Sol", "솔"), ("Mi", "미"), ("Rae", "래"), ("Su", "수"),
             ("Ah", "아"), ("Yeon", "연"), ("Ju", "주"), ("Seo", "서"), ("On", "온"), ("Ga", "가"), ("Eum", "음"),
             ("Na", "나"), ("Rim", "림"), ("Ha", "하"), ("Neul", "늘"), ("Bo", "보"), ("Ram", "람")]
CITIES = ["Seoul", "Busan", "Incheon", "Daegu", "Gwangju", "Daejeon", "Jeju", "Suwon", "Icheon", "Jeonju"]
# Per locale: title, short description (two sentences) and the HTML description's frame.
TITLE = {
    "ko": "{brand_ko} {line} {kind}", "en": "{brand} {line} {kind}", "ja": "{brand} {line}{kind}",
    "zh-Hans": "{brand} {line}{kind}", "zh-Hant": "{brand} {line}{kind}", "vi": "{kind} {line} {brand}",
    "de": "{brand} {line} {kind}", "fr": "{kind} {line} {brand}",
}
SHORT = {
    "ko": "{brand_ko}의 {line} {kind}. 한국에서 만들어 해외로 직접 배송합니다.",
    "en": "{line} {kind} by {brand}. Made in Korea, shipped directly to you.",
    "ja": "{brand}の{line}{kind}。韓国製、ご自宅まで直接お届けします。",
    "zh-Hans": "{brand}的{line}{kind}。韩国制造，直邮到家。",
    "zh-Hant": "{brand}的{line}{kind}。韓國製造，直郵到府。",
    "vi": "{kind} {line} của {brand}. Sản xuất tại Hàn Quốc, giao trực tiếp đến bạn.",
    "de": "{line} {kind} von {brand}. Hergestellt in Korea, direkt zu Ihnen geliefert.",
    "fr": "{kind} {line} de {brand}. Fabriqué en Corée, livré directement chez vous.",
}
EXTRAS = {
    "ko": ("소규모로 정성껏 생산합니다.", "선물 포장이 가능합니다.", "영업일 기준 3일 이내 출고됩니다.",
           "국내 고객 평점 4.8점."),
    "en": ("Made in small batches by an independent maker.", "Comes in gift-ready packaging.",
           "Ships within three business days.", "Rated 4.8 by customers in Korea."),
    "ja": ("独立系メーカーが少量生産しています。", "ギフト包装でお届けします。", "3営業日以内に発送します。",
           "韓国のお客様評価4.8。"),
    "zh-Hans": ("独立品牌小批量生产。", "附精美礼品包装。", "三个工作日内发货。", "韩国顾客评分4.8。"),
    "zh-Hant": ("獨立品牌小批量生產。", "附精美禮品包裝。", "三個工作天內出貨。", "韓國顧客評分4.8。"),
    "vi": ("Sản xuất số lượng nhỏ bởi nhà sản xuất độc lập.", "Đóng gói sẵn làm quà tặng.",
           "Giao hàng trong vòng ba ngày làm việc.", "Được khách hàng Hàn Quốc đánh giá 4,8."),
    "de": ("In kleinen Mengen von einem unabhängigen Hersteller gefertigt.", "In Geschenkverpackung.",
           "Versand innerhalb von drei Werktagen.", "Von Kundinnen und Kunden in Korea mit 4,8 bewertet."),
    "fr": ("Fabriqué en petites séries par un artisan indépendant.", "Livré dans un emballage cadeau.",
           "Expédié sous trois jours ouvrés.", "Noté 4,8 par les clients en Corée."),
}
DESCRIPTION = {
    "ko": ("<p>{brand_ko}는 {city}에 있는 작은 공방에서 시작했습니다. {line} {kind}는 매일 쓰기 좋도록 "
           "오랜 시간 다듬은 제품으로, 원료 선택부터 포장까지 직접 관리합니다.</p>",
           "<ul><li>원산지: 대한민국</li><li>제조: {brand_ko}, {city}</li><li>구성: {size}</li></ul>",
           "<p><strong>보관 안내</strong>: 직사광선을 피해 서늘한 곳에 보관하세요.</p>"),
    "en": ("<p>{brand} started as a small workshop in {city}. This {line} {kind} has been refined over years "
           "for everyday use; the maker oversees everything from the raw materials to the packaging.</p>",
           "<ul><li>Origin: Republic of Korea</li><li>Made by: {brand}, {city}</li><li>Contents: {size}</li></ul>",
           "<p><strong>Care</strong>: keep in a cool place away from direct sunlight.</p>"),
    "ja": ("<p>{brand}は{city}の小さな工房から始まりました。この{line}{kind}は毎日使いやすいよう長い時間をかけて"
           "改良され、原料選びから包装までメーカーが管理しています。</p>",
           "<ul><li>原産国：韓国</li><li>製造：{brand}（{city}）</li><li>内容：{size}</li></ul>",
           "<p><strong>保管方法</strong>：直射日光を避け、涼しい場所で保管してください。</p>"),
    "zh-Hans": ("<p>{brand}起步于{city}的一家小作坊。这款{line}{kind}经过多年改良，适合日常使用；"
                "从原料挑选到包装均由品牌亲自把关。</p>",
                "<ul><li>原产地：韩国</li><li>制造商：{brand}，{city}</li><li>规格：{size}</li></ul>",
                "<p><strong>保存方法</strong>：请置于阴凉处，避免阳光直射。</p>"),
    "zh-Hant": ("<p>{brand}起步於{city}的一間小工坊。這款{line}{kind}經過多年改良，適合日常使用；"
                "從原料挑選到包裝均由品牌親自把關。</p>",
                "<ul><li>原產地：韓國</li><li>製造商：{brand}，{city}</li><li>規格：{size}</li></ul>",
                "<p><strong>保存方法</strong>：請置於陰涼處，避免陽光直射。</p>"),
    "vi": ("<p>{brand} khởi đầu là một xưởng nhỏ ở {city}. Sản phẩm {kind} {line} này được hoàn thiện qua nhiều "
           "năm để dùng hằng ngày; nhà sản xuất tự kiểm soát từ nguyên liệu đến bao bì.</p>",
           "<ul><li>Xuất xứ: Hàn Quốc</li><li>Nhà sản xuất: {brand}, {city}</li><li>Quy cách: {size}</li></ul>",
           "<p><strong>Bảo quản</strong>: để nơi thoáng mát, tránh ánh nắng trực tiếp.</p>"),
    "de": ("<p>{brand} begann als kleine Werkstatt in {city}. Dieses Produkt ({line} {kind}) wurde über Jahre "
           "für den Alltag verfeinert; vom Rohstoff bis zur Verpackung liegt alles in der Hand des Herstellers.</p>",
           "<ul><li>Herkunft: Republik Korea</li><li>Hersteller: {brand}, {city}</li><li>Inhalt: {size}</li></ul>",
           "<p><strong>Pflege</strong>: kühl und vor direktem Sonnenlicht geschützt aufbewahren.</p>"),
    "fr": ("<p>{brand} a commencé comme un petit atelier à {city}. Ce produit ({kind} {line}) a été peaufiné "
           "pendant des années pour un usage quotidien ; le fabricant suit tout, des matières premières à "
           "l'emballage.</p>",
           "<ul><li>Origine : République de Corée</li><li>Fabricant : {brand}, {city}</li>"
           "<li>Contenu : {size}</li></ul>",
           "<p><strong>Conservation</strong> : à garder au frais, à l'abri de la lumière directe du soleil.</p>"),
}
# Warehouses: the Incheon hub ships everywhere; an overseas centre serves its own market.
WAREHOUSES = [
    ("ICN-BONDED", "Dari Incheon bonded consolidation hub", "consolidation", "KR", None,
     {"name": "Dari Logistics", "line1": "272 Gonghang-ro", "city": "Incheon", "postal_code": "22382",
      "country": "KR"}),
    ("US-LAX-FC", "Dari Los Angeles fulfilment centre", "overseas", "US", "US",
     {"name": "Dari USA", "line1": "1200 E Dominguez St", "city": "Carson, CA", "postal_code": "90746",
      "country": "US"}),
    ("JP-TOKYO-FC", "Dari Tokyo fulfilment centre", "overseas", "JP", "JP",
     {"name": "Dari Japan", "line1": "2-1 Heiwajima", "city": "Ota-ku, Tokyo", "postal_code": "143-0006",
      "country": "JP"}),
    ("EU-FRA-FC", "Dari Frankfurt fulfilment centre", "overseas", "DE", "EU",
     {"name": "Dari Europe", "line1": "Cargo City Süd 570", "city": "Frankfurt am Main", "postal_code": "60549",
      "country": "DE"}),
]
OWN_STOCKROOMS = 10  # the first sellers keep half their goods in a stockroom of their own


@dataclass
class LoadSummary:
    products: int = 0
    variants: int = 0
    translations: int = 0
    certificates: int = 0
    stock_levels: int = 0
    market_prices: int = 0
    green_tea: int = 0
    active: int = 0
    seconds: float = 0.0
    seller_ids: list = field(default_factory=list)


@dataclass
class _Product:
    id: str
    seller: int
    category: str
    created_at: datetime
    variant_ids: list
    active: bool


def business_number(serial: int) -> str:
    """A 10-digit Korean business registration number with a valid check digit."""
    digits = [int(d) for d in f"{(serial * 7919 + 1000000) % 100000000 + 100000000:09d}"[-9:]]
    digits[0] = digits[0] or 1
    weights = (1, 3, 7, 1, 3, 7, 1, 3, 5)
    total = sum(d * w for d, w in zip(digits, weights)) + digits[8] * 5 // 10
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


class _Ids:
    """Ids shaped like ``shop.core.db.new_id``, from a seeded generator."""

    def __init__(self, rng: random.Random):
        self._choices = rng.choices

    def __call__(self, prefix: str) -> str:
        return prefix + "_" + "".join(self._choices(ID_ALPHABET, k=20))


def _requirements(cur, today: date) -> dict[str, list[tuple[str, str, str]]]:
    """``{category: [(market, type, kind)]}``: the certificates each market requires before sale."""
    from shop.catalog.availability import required_certificates

    result: dict[str, list] = {}
    cur.execute("SELECT code, certificates FROM markets WHERE active ORDER BY code")
    for code, certificates in cur.fetchall():
        if isinstance(certificates, str):
            certificates = json.loads(certificates)
        market = SimpleNamespace(code=code, certificates=certificates or {})
        for category in CATEGORIES:
            for entry in required_certificates(market, category, today):
                result.setdefault(category, []).append((code, entry["type"], entry["kind"]))
    return result


def _copy(cur, table: str, columns: tuple[str, ...], rows) -> int:
    count = 0
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _stamp(rng: random.Random, now: datetime, after: datetime | None = None) -> datetime:
    """A time within the past year (after ``after``, when given)."""
    start = after or now - YEAR
    return start + (now - start) * rng.random()


def load_catalogue(conninfo: str, n: int, *, seed: int = 1, log=None) -> LoadSummary:
    """Load ``n`` products (and sellers, certificates, warehouses, stock) into the database at ``conninfo``."""
    import psycopg

    from shop.catalog.services.text import search_text

    started = time.perf_counter()
    log = log or (lambda message: None)
    rng = random.Random(f"{seed}:{n}")
    new_id = _Ids(rng)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    today = now.date()
    summary = LoadSummary()
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur:
        requirements = _requirements(cur, today)

        # Sellers: every category has sellers; a third sell a second category too.
        names = [(a[0] + b[0].lower(), a[1] + b[1]) for a in SYLLABLES for b in SYLLABLES if a != b]
        rng.shuffle(names)
        sellers = []
        categories = list(CATEGORIES)
        for i in range(SELLERS):
            brand, brand_ko = names[i]
            own = [categories[i % len(categories)]]
            if rng.random() < 0.33:
                own.append(rng.choice([c for c in categories if c != own[0]]))
            created = _stamp(rng, now - YEAR)  # sellers joined before their products
            sellers.append({"id": new_id("sel"), "brand": brand, "brand_ko": brand_ko, "categories": own,
                            "city": rng.choice(CITIES), "created_at": created})
        summary.seller_ids = [s["id"] for s in sellers]
        _copy(cur, "sellers", (
            "id", "legal_name", "display_names", "business_number", "contact_email", "contact_phone", "status",
            "approved_at", "return_address", "return_window_days", "pays_change_of_mind_shipping",
            "warranty_months", "no_return_purchase", "categories", "created_at", "updated_at"),
            ((s["id"], f"주식회사 {s['brand_ko']}", json.dumps({locale: s["brand_ko"] if locale == "ko" else s["brand"]
                                                              for locale in LOCALES}, ensure_ascii=False),
              business_number(i + 1), f"hello@{s['brand'].lower()}.example.kr", f"+82 2 555 {1000 + i:04d}",
              "approved", s["created_at"] + timedelta(days=2),
              json.dumps({"name": f"주식회사 {s['brand_ko']}", "line1": f"{i + 1} Maker-ro", "city": s["city"],
                          "postal_code": f"{10000 + i * 37:05d}", "country": "KR"}, ensure_ascii=False),
              rng.choice((None, 7, 14, 30)), rng.random() < 0.2, rng.choice((6, 12, 24)), False,
              json.dumps(s["categories"]), s["created_at"], s["created_at"] + timedelta(days=2))
             for i, s in enumerate(sellers)))
        by_category = {c: [i for i, s in enumerate(sellers) if c in s["categories"]] for c in categories}

        # Products, then their variants, text, market prices.
        weights = [CATEGORIES[c]["weight"] for c in categories]
        products: list[_Product] = []
        texts = []  # per product: (line index, kind index, size, extra index)
        slugs: set[str] = set()
        product_rows, variant_rows, price_rows = [], [], []
        for _ in range(n):
            category = rng.choices(categories, weights)[0]
            spec = CATEGORIES[category]
            seller_index = rng.choice(by_category[category])
            seller = sellers[seller_index]
            lines = spec["lines"]
            if lines[0] is GREEN_TEA:
                line = 0 if rng.random() < GREEN_TEA_SHARE else rng.randrange(1, len(lines))
            else:
                line = rng.randrange(len(lines))
            kind = rng.randrange(len(spec["kinds"]))
            size = rng.choice(spec["sizes"])
            status = rng.choices(("active", "draft", "archived"), (90, 6, 4))[0]
            created = _stamp(rng, now)
            product = _Product(new_id("prd"), seller_index, category, created, [], status == "active")
            english = f"{lines[line][1]} {spec['kinds'][kind][1]}"
            slug = None
            while slug is None or slug in slugs:
                base = f"{seller['brand']} {english}".lower().replace(" ", "-").replace("'", "")
                slug = f"{base}-{rng.getrandbits(24):06x}"
            slugs.add(slug)
            images = json.dumps([f"https://images.dari.example/p/{product.id}/{k}.jpg"
                                 for k in range(rng.randint(1, 4))])
            attributes = json.dumps({"line": lines[line][1], "maker_city": seller["city"]})
            product_rows.append((product.id, seller["id"], slug, category, rng.choice(spec["hs_codes"]), "KR",
                                 seller["brand"], status, attributes, images, "[]", created,
                                 _stamp(rng, now, created)))
            base_price = rng.randrange(spec["price"][0], spec["price"][1], 100)
            for position in range(1 if rng.random() < 2 / 3 else 2):
                variant_id = new_id("var")
                product.variant_ids.append(variant_id)
                price = base_price if position == 0 else base_price + rng.randrange(2000, 20000, 500)
                option = size or spec["sizes"][-1] or "Standard"
                if position:
                    option = f"{option} +{position}"
                weight = rng.randint(80, 2500)
                variant_rows.append((
                    variant_id, product.id, seller["id"], f"{seller['brand'][:3].upper()}-{len(variant_rows):07d}",
                    json.dumps({spec["option"]: option}), weight, rng.randint(50, 400), rng.randint(40, 300),
                    rng.randint(20, 200), f"880{rng.randrange(10 ** 9, 10 ** 10)}", english, price,
                    rng.random() < 0.97 or position > 0, position, created, created))
                if rng.random() < 0.03:  # a seller's explicit Japanese price (10-yen steps)
                    price_rows.append((new_id("vmp"), variant_id, "JP", int(price * 0.11) // 10 * 10, "JPY", created))
                elif rng.random() < 0.02:  # or an American one ($x.99)
                    price_rows.append((new_id("vmp"), variant_id, "US", int(price * 0.0007) * 100 + 99, "USD", created))
            products.append(product)
            texts.append((line, kind, size, rng.randrange(len(EXTRAS["en"])), rng.randint(1, 3)))
            summary.green_tea += lines[line] is GREEN_TEA
            summary.active += product.active
        summary.products = _copy(cur, "products", (
            "id", "seller_id", "slug", "category", "hs_code", "origin_country", "brand", "status", "attributes",
            "images", "target_markets", "created_at", "updated_at"), product_rows)
        del product_rows
        summary.variants = _copy(cur, "product_variants", (
            "id", "product_id", "seller_id", "sku", "options", "weight_g", "length_mm", "width_mm", "height_mm",
            "barcode", "customs_description", "price_krw", "active", "position", "created_at", "updated_at"),
            variant_rows)
        del variant_rows
        summary.market_prices = _copy(cur, "variant_market_prices", (
            "id", "variant_id", "market_code", "amount_minor", "currency", "updated_at"), price_rows)
        log(f"    {summary.products} products, {summary.variants} variants "
            f"({time.perf_counter() - started:.0f} s)")

        def translations():
            for product, (line, kind, size, extra, paragraphs) in zip(products, texts):
                spec = CATEGORIES[product.category]
                seller = sellers[product.seller]
                for i, locale in enumerate(LOCALES):
                    words = {"brand": seller["brand"], "brand_ko": seller["brand_ko"], "city": seller["city"],
                             "line": spec["lines"][line][i], "kind": spec["kinds"][kind][i], "size": size or "1"}
                    title = TITLE[locale].format_map(words) + (f" {size}" if size else "")
                    short = SHORT[locale].format_map(words) + " " + EXTRAS[locale][extra]
                    about, facts, care = DESCRIPTION[locale]
                    description = (f"<h3>{title}</h3>" + about.format_map(words) * paragraphs
                                   + facts.format_map(words) + care)
                    yield (new_id("ptr"), product.id, locale, title, short, description,
                           search_text(title, short, seller["brand"]), product.created_at, product.created_at)

        summary.translations = _copy(cur, "product_translations", (
            "id", "product_id", "locale", "title", "short_description", "description", "search_text",
            "created_at", "updated_at"), translations())
        log(f"    {summary.translations} translations ({time.perf_counter() - started:.0f} s)")

        summary.certificates = _copy(cur, "certificates", (
            "id", "seller_id", "product_id", "type", "number", "market_code", "valid_from", "valid_until",
            "document_url", "status", "review_note", "reviewed_by", "reviewed_at", "created_at", "updated_at"),
            _certificates(rng, new_id, now, sellers, products, requirements))

        summary.stock_levels = _load_stock(cur, rng, new_id, now, sellers, products)
        log(f"    {summary.certificates} certificates, {summary.stock_levels} stock levels "
            f"({time.perf_counter() - started:.0f} s)")
        conn.commit()
    summary.seconds = time.perf_counter() - started
    return summary


def _certificates(rng, new_id, now, sellers, products, requirements):
    """Certificates for what the markets require: mostly verified; some pending, rejected, expired, missing."""
    def certificate(seller_id, product_id, cert_type, market, created):
        roll = rng.random()
        if roll < 0.80:
            status, valid_until = "verified", VALID_UNTIL
        elif roll < 0.84:
            status, valid_until = "verified", EXPIRED_ON  # lapsed: no longer counts
        elif roll < 0.89:
            status, valid_until = "pending", VALID_UNTIL
        elif roll < 0.91:
            status, valid_until = "rejected", VALID_UNTIL
        else:
            return None  # never filed
        reviewed = status in ("verified", "rejected")
        return (new_id("crt"), seller_id, product_id, cert_type, f"{cert_type}-{rng.randrange(10 ** 7, 10 ** 8)}",
                market, VALID_FROM, valid_until, f"https://docs.dari.example/certificates/{new_id('doc')}.pdf",
                status, "Document does not match the product" if status == "rejected" else None,
                "usr_bench" if reviewed else None, created + timedelta(days=3) if reviewed else None,
                created, created)

    for seller in sellers:
        for category in seller["categories"]:
            for market, cert_type, kind in requirements.get(category, ()):
                if kind == "business":
                    row = certificate(seller["id"], None, cert_type, market, seller["created_at"])
                    if row:
                        yield row
    for product in products:
        for market, cert_type, kind in requirements.get(product.category, ()):
            if kind == "product":
                row = certificate(sellers[product.seller]["id"], product.id, cert_type, market, product.created_at)
                if row:
                    yield row


def _load_stock(cur, rng, new_id, now, sellers, products) -> int:
    """Warehouses, then per variant a few stock levels, each with the one receipt movement it equals."""
    warehouses = {}
    rows = []
    for code, name, kind, country, market, address in WAREHOUSES:
        warehouses[code] = new_id("wh")
        rows.append((warehouses[code], code, name, kind, country, json.dumps(address), market, None, True,
                     now - YEAR, now - YEAR))
    stockrooms = {}
    for i, seller in enumerate(sellers[:OWN_STOCKROOMS]):
        stockrooms[i] = new_id("wh")
        rows.append((stockrooms[i], f"{seller['brand'].upper()}-STOCKROOM", f"{seller['brand']} stockroom", "seller",
                     "KR", json.dumps({"name": seller["brand"], "line1": f"{i + 1} Maker-ro", "city": seller["city"],
                                       "postal_code": f"{10000 + i * 37:05d}", "country": "KR"}),
                     None, seller["id"], True, now - YEAR, now - YEAR))
    _copy(cur, "warehouses", ("id", "code", "name", "kind", "country", "address", "market_code", "seller_id",
                              "active", "created_at", "updated_at"), rows)

    levels, movements, settings = [], [], []
    for product in products:
        for variant_id in product.variant_ids:
            home = stockrooms.get(product.seller) if rng.random() < 0.5 else None
            placed = []
            roll = rng.random()
            if roll >= 0.08:  # 8% of variants have no stock in Korea at all
                placed.append((home or warehouses["ICN-BONDED"], rng.randint(1, 5) if roll < 0.15
                               else rng.randint(10, 200)))
            if rng.random() < 0.25:
                placed.append((warehouses["US-LAX-FC"], rng.randint(2, 40)))
            if product.category in ("cosmetics", "food") and rng.random() < 0.3:
                placed.append((warehouses["JP-TOKYO-FC"], rng.randint(2, 30)))
            if rng.random() < 0.15:
                placed.append((warehouses["EU-FRA-FC"], rng.randint(2, 30)))
            for warehouse_id, quantity in placed:
                level_id = new_id("stk")
                received = _stamp(rng, now, product.created_at)
                levels.append((level_id, variant_id, warehouse_id, quantity, 0, 0, 1,
                               f"{rng.choice('ABCDEFGH')}-{rng.randint(1, 40):02d}-{rng.randint(1, 99):02d}",
                               received, received))
                movements.append((new_id("mov"), level_id, 1, variant_id, warehouse_id, "receipt", quantity,
                                  quantity, 0, 0, "Opening stock", "inbound", f"BENCH-{warehouse_id[-6:]}", "bench",
                                  received))
            if rng.random() < 0.05:
                settings.append((variant_id, rng.randint(0, 20), product.created_at))
    count = _copy(cur, "stock_levels", ("id", "variant_id", "warehouse_id", "on_hand", "reserved", "allocated",
                                        "version", "location", "created_at", "updated_at"), levels)
    _copy(cur, "stock_movements", ("id", "level_id", "sequence", "variant_id", "warehouse_id", "kind", "quantity",
                                   "on_hand_delta", "reserved_delta", "allocated_delta", "reason", "reference_type",
                                   "reference", "actor", "created_at"), movements)
    _copy(cur, "variant_stock_settings", ("variant_id", "low_stock_threshold", "updated_at"), settings)
    return count


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("conninfo", help="postgresql://… of a migrated database with its markets synced")
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    result = load_catalogue(args.conninfo.replace("postgresql+psycopg://", "postgresql://"), args.n, seed=args.seed,
                            log=lambda message: print(message, file=sys.stderr, flush=True))
    print(f"{result.products} products ({result.active} active, {result.green_tea} green tea), {result.variants} "
          f"variants, {result.translations} translations, {result.certificates} certificates, "
          f"{result.stock_levels} stock levels in {result.seconds:.1f} s")

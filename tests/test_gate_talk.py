"""The request gate on talk that looks like a request (issue 14, session 8): a request taken back, someone
else's request retold, "ima" as slang, a joke taken back, complaints with media-ish words, a brand that is
also a chat app. None of them may start a paid task; the requests that look like them still do. Everything
goes through the public parse entry (core.intent.parse)."""

from __future__ import annotations

import pytest

from core.intent import parse

from .test_intent_corpus import catalogues, model_id


def _parse(text: str, images: int = 0):
    return parse(text, images, catalogues())


@pytest.mark.parametrize("text", [
    "不要做视频了", "不想做视频了", "算了不画了", "算了 不画了，谢谢", "海报不做了", "视频先不做了",
    "那个logo我们不要了",
    "don't make the video after all", "never mind the poster", "forget the song, we don't need it",
    "actually don't make that video", "scratch the poster idea", "cancel the cat picture, never mind",
    "ok scratch the video idea lol", "forget about the video for my mom", "skip the poster then",
])
def test_a_request_taken_back_is_a_cancel_never_a_charge(text):
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("cancel", False), text


@pytest.mark.parametrize("text, kind, charged", [
    ("别再画猫了", "chat", False),  # "stop drawing cats": no task of its own to cancel
    ("please don't make any more videos", "chat", False),
    ("不要背景了", "generate", True),  # with a picture: remove its background
    ("forget the poster, make a banner instead", "generate", True),  # the new request is made
])
def test_what_is_not_a_take_back_keeps_its_meaning(text, kind, charged):
    intent = _parse(text, 1 if text == "不要背景了" else 0)
    assert (intent.kind, intent.request) == (kind, charged), text


@pytest.mark.parametrize("text", [
    'my boss: "make me a poster by friday" 🙄', "Create a poster — that's what my manager said. lol",
    "老板说让我做个海报", "老板让我做个海报，烦死了", "朋友问我能不能帮他画个头像，我不会画",
    "my friend asked me if you could draw her cat", '他说「给我做个视频」然后就走了',
])
def test_someone_elses_request_retold_is_talk(text):
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("chat", False), text


@pytest.mark.parametrize("text", [
    'a poster that says "make art not war"', "老板让我做个国潮风的月饼礼盒包装图，醒狮元素，麻烦了🙏",
    "帮我画一张手抄报，老师让我交的",
])
def test_a_quote_on_the_thing_made_or_a_task_passed_on_politely_is_still_a_request(text):
    assert _parse(text).request is True, text


@pytest.mark.parametrize("text", [
    '"make me a poster by friday"', '"draw a dragon eating noodles"', '@ima "draw a dragon eating noodles"',
    'try this: "generate a cyberpunk city, neon, rain"', '"make me a poster for our bake sale" pls',
    '「画一只戴帽子的猫」 谢谢',
])
def test_a_request_in_quotes_alone_or_with_words_that_ask_for_it_is_the_users_own(text):
    # (REVIEW8 section 2: the quote alone was asked with a button, "pls"/"try this" beside it made it chat)
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("generate", True), text


@pytest.mark.parametrize("text", [
    "make a poster with a quote from Einstein", "a poster with a motivational quote, minimalist",
    'generate an image with the quote "stay hungry, stay foolish"',
    "design a gym poster, quote: no pain no gain",
    "according to the brief, make a poster for the spring sale, pastel colors", "draw a dragon - the red one",
    "make a logo for my bakery - the blue version", "draw a cat - my cat, orange tabby",
    "a sci-fi city at night - the skyline glowing", "this is what my kid wants: a unicorn cake on a rainbow",
    "画一张图，就按我说的", "做个视频，按我刚才说的", "做一首歌，歌词就是我刚才说的",
    "客户原话：做个高级感的海报",
    "a poster quoting my favourite poem, soft colors", "画个海报，就照你说的来",
])
def test_a_quote_a_dash_or_my_own_words_referred_to_are_no_attribution(text):
    assert _parse(text).request is True, text


@pytest.mark.parametrize("text", [
    "Create a poster — that's what my manager said. lol", "做个海报，老板说的", "做个海报，这是老板的原话",
    "make a poster for the sale - my boss lol", "make a poster for the sale, according to my boss",
    '客户原话："要一张高端大气上档次的海报" 我真的会谢', "draw a logo, quoting the client",
])
def test_a_request_credited_to_someone_else_is_still_talk(text):
    assert _parse(text).request is False, text


@pytest.mark.parametrize("text", [
    "ima go to bed", "ima make dinner", "ima draw this later lol", "ima head out", "ima make a cake for her "
    "birthday", "ima try this later", "ima ask my boss first",
])
def test_ima_as_slang_for_im_going_to_is_never_the_bots_name(text):
    assert _parse(text).request is False, text


@pytest.mark.parametrize("text, images, prompt_text", [
    ("ima draw a fox", 0, "a fox"), ("ima make a video of my dog", 0, "my dog"),
    ("ima, go draw a fox", 0, "a fox"),
    ("ima make this look like a ghibli movie frame", 1, None),
])
def test_ima_before_a_verb_only_the_bot_does_is_the_bot_addressed(text, images, prompt_text):
    intent = _parse(text, images)
    assert intent.request is True, text
    if prompt_text is not None:
        assert intent.prompt == prompt_text


@pytest.mark.parametrize("text", [
    "draw a cat in a hat? nah jk", "画个猪头 开玩笑的", "make a video of my boss as a clown lol jk",
    "画一只猫 开个玩笑", "draw me a unicorn... just kidding", "给我画个猪头哈哈哈 开玩笑啦",
    "draw a cat later lol",
])
def test_a_request_taken_back_as_a_joke_or_put_off_is_never_charged(text):
    assert _parse(text).request is False, text


@pytest.mark.parametrize("text, prompt_text", [
    ("pls pls pls a video of a cat... jk a video of a penguin in a tiny tie", "a penguin in a tiny tie"),
    ('make a song called "just kidding"', None), ("draw a goat kidding around", "a goat kidding around"),
])
def test_a_joke_word_that_is_a_title_or_comes_before_the_real_request_keeps_it(text, prompt_text):
    intent = _parse(text)
    assert intent.request is True, text
    if prompt_text is not None:
        assert intent.prompt == prompt_text


@pytest.mark.parametrize("text", [
    "服务器延时好高", "今天网络延时很严重", "排队好久", "这个网速也太慢了", "服务器又抽风了",
])
def test_complaints_are_talk_even_with_words_that_can_name_a_video(text):
    assert _parse(text).request is False, text


@pytest.mark.parametrize("text, task_type", [
    ("生成一张延时摄影风格的星空", "text_to_image"), ("延时摄影风格的城市夜景图片", "text_to_image"),
    ("动画风格的头像", "text_to_image"), ("做一段延时摄影的视频 日落", "text_to_video"),
    ("来一段电影感的视频 海边", "text_to_video"),
])
def test_a_media_word_used_as_a_style_does_not_name_what_is_made(text, task_type):
    intent = _parse(text)
    assert (intent.request, intent.task_type) == (True, task_type), text


@pytest.mark.parametrize("text, kind", [
    ("豆包今天又抽风了", "chat"), ("你和豆包谁聪明", "chat"), ("即梦最近好卡", "chat"),
    ("豆包和你哪个好用", "chat"),
])
def test_a_brand_that_is_also_a_chat_app_talked_about_is_no_model_and_no_request(text, kind):
    intent = _parse(text)
    assert (intent.kind, intent.request, intent.model_key) == (kind, False, None), text


@pytest.mark.parametrize("text, wanted", [
    ("用豆包查了一下天气，然后画一只猫", None), ("用即梦画一只猫", "doubao-seedream-4.5"),
    ("即梦 做个视频 海边日落", "doubao-seedance-1.5-pro"),
    ("即梦 水墨山水 远处有一只孤舟", "doubao-seedream-4.5"),
    ("doubao bgm for a cooking channel intro, upbeat ukulele", "GenBGM"),
])
def test_a_brand_names_a_model_only_where_it_is_used_to_make_something(text, wanted):
    intent = _parse(text)
    assert intent.request is True, text
    assert model_id(intent) == wanted, text


@pytest.mark.parametrize("text, images, task_type", [
    ("别做视频 太贵了 画张图就好：凌晨四点的便利店，暖黄灯光，插画风", 0, "text_to_image"),
    ("不要做视频，就改图：把天空调成紫色", 1, "image_to_image"),
    ("not a picture, i want a VIDEO of a whale jumping out of the sea", 0, "text_to_video"),
    ("不要图片了，直接做视频吧：烟花在维多利亚港上空炸开", 0, "text_to_video"),
    ("做个加载中的小动画…不对 画张图就行：转圈圈的小企鹅", 0, "text_to_image"),
    ("dreamy indie pop about missing the last train home", 0, "text_to_music"),
    ("character sheet for my bard: half-elf with a lute, front/side/back views", 0, "text_to_image"),
])
def test_the_media_said_not_to_make_or_corrected_does_not_decide_what_is_made(text, images, task_type):
    intent = _parse(text, images)
    assert (intent.request, intent.task_type) == (True, task_type), text


@pytest.mark.parametrize("text, kind", [
    ("don't make the video after all, client changed their mind", "cancel"),
    ("scratch that, no video", "cancel"),
    ("nah don't, too expensive", "no"), ("不用了 太贵", "no"),
    ("draw a cat, never mind", "chat"),  # the words withdrawn, no task cancelled
])
def test_a_cancel_or_a_no_with_its_reason_is_never_a_new_request(text, kind):
    intent = _parse(text)
    assert (intent.kind, intent.request) == (kind, False), text
    assert _parse("draw a wizard, scratch that, draw a witch on a broom").commands == []


@pytest.mark.parametrize("text", [
    "can you write lyrics for a breakup song? just the words, i'll sing it myself",
    "帮我想个视频标题 关于露营vlog的",
    "帮我写个短视频脚本，30秒的，卖奶茶", "write me a poem, about cats",
])
def test_words_asked_for_and_what_describes_them_are_never_a_generation(text):
    assert _parse(text).request is False, text
    assert _parse("画一只写诗的猫").request is True  # 诗 describes the cat


@pytest.mark.parametrize("text", [
    "lmaooo the goose video 😭😭", "nice video btw",
    "server lag is insane rn, my render distance dropped to 2 chunks",
    "render farm at work is down again so no renders till monday 😩", "今天飞书好卡 图片都加载不出来",
    "游戏掉帧严重 4k开不动 换1080p也卡", "@ima-bot draw my ex as a goblin... jk jk don't",
    "ima draw this one myself actually, the bot's art is too clean for this",
    "不要动不动就让AI做视频好吗 自己剪一下又不难",
])
def test_reactions_complaints_and_own_plans_are_talk(text):
    assert _parse(text).request is False, text
    assert _parse("render a castle on a cliff").request is True


@pytest.mark.parametrize("text", [
    "would you be able to do video if I gave you a photo? asking for later",
    "if I asked you to draw a dragon, how long would it take?", "如果我让你做个10秒的视频，大概要多久？",
])
def test_a_question_on_a_condition_the_user_sets_is_about_the_bot(text):
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("help", False), text


@pytest.mark.parametrize("text, wanted", [
    ("豆包说画不了 那你来：一只穿宇航服的柴犬在火星上，画一张", None), ("即梦app最近是不是开始收费了", None),
    ("豆包song 写首儿歌，关于刷牙，欢快", "GenSong"),
])
def test_a_brand_said_as_the_app_names_no_model_and_doubao_song_is_the_song_model(text, wanted):
    intent = _parse(text)
    assert model_id(intent) == wanted, text


@pytest.mark.parametrize("text, wanted", [
    ("即梦上做的不满意，你用 seedance 重新做一个：樱花飘落的京都小巷 10秒", "doubao-seedance-1.5-pro"),
    ("vidu q2 is the cheap one right? ok use it: a goldfish in a glass bowl, 5s", "viduq2"),
])
def test_a_model_named_in_a_command_or_asked_about_then_taken_up_makes_the_request(text, wanted):
    intent = _parse(text)
    assert (intent.request, model_id(intent)) == (True, wanted), text


def test_a_second_thing_is_no_length_of_one_second():
    intent = _parse("make the sky purple and add a second moon", 1)
    assert (intent.task_type, intent.options.get("duration")) == ("image_to_image", None)
    assert _parse("make a one second clip of a cat").options.get("duration") == 1


@pytest.mark.parametrize("text, kind", [
    ("竖屏视频支持吗？", "help"), ("能不能用自己写的歌词啊", "help"),
    ("how many 积分 do I have left", "usage"),
    ("from now on kling 2.6 pls, the o1 ones look plasticky", "set_preference"),
])
def test_questions_about_support_and_a_default_said_with_a_remark_are_never_charged(text, kind):
    intent = _parse(text)
    assert (intent.kind, intent.request) == (kind, False), text


@pytest.mark.parametrize("text, images", [
    ("帮我算一下 12 乘以 8", 0), ("帮我推荐一首歌", 0), ("can you check my poster for typos?", 0),
    ("帮我看看这张海报有没有错别字", 1), ("我不要视频", 0), ("海报发你了，看一下", 0), ("我画的，怎么样", 1),
    ("i don't want a poster, i want a banner. jk i don't need anything", 0),
])
def test_errands_reviews_refusals_and_what_the_user_drew_are_never_charged(text, images):
    assert _parse(text, images).request is False, text
    assert _parse("帮我画一只猫").request is True


@pytest.mark.parametrize("text", [
    "if you're reading this, the video render failed", "给大家看看我新画的画", "下午三点开会 记得带上海报",
])
def test_a_thing_told_about_and_a_drawing_shown_to_the_group_are_talk(text):
    assert _parse(text).request is False, text
    assert _parse("my daughter wants a unicorn picture").request is True  # a request told as a statement


@pytest.mark.parametrize("text", [
    "make it to the meeting on time pls", "make some noise for the winners!!", "做饭去了 回头聊",
    "拍照的时候记得开美颜",
])
def test_idioms_with_a_making_verb_and_reminders_are_talk(text):
    assert _parse(text).request is False, text
    assert _parse("画一只猫，记得加上帽子").request is True
    assert _parse("make it a video", 1).request is True


@pytest.mark.parametrize("text", ["new pfp 😎", "our team photo from the offsite", "新头像 好看吗"])
def test_a_picture_shown_as_ones_own_thing_is_never_charged(text):
    assert _parse(text, 1).request is False, text
    assert _parse("my cat as a ghibli character", 1).request is True


@pytest.mark.parametrize("text", ["豆包风格的头像 一只小熊", "画一只豆包形状的猫"])
def test_doubao_as_a_shape_or_style_is_the_steamed_bun_not_the_model(text):
    intent = _parse(text)
    assert (intent.request, intent.model_key) == (True, None), text


@pytest.mark.parametrize("text", [
    "suno v5 dropped today", "sora videos all look the same now", "可灵2.6出了 大家试了吗", "海螺最近更新了",
])
def test_news_or_a_verdict_about_a_model_is_talk(text):
    assert _parse(text).request is False, text
    assert model_id(_parse("kling, a cat surfing")) == "kling-video-o1"


@pytest.mark.parametrize("text", ["熊猫吃拉面，风格你定", "a cat eating ramen, surprise me with the style"])
def test_details_left_to_the_bot_beside_what_to_make_is_a_request(text):
    assert _parse(text).request is True, text
    assert _parse("随你").request is False and _parse("surprise me").request is False


@pytest.mark.parametrize("text", [
    "音乐版权的问题法务在看", "封面图用哪张比较好", "老板说视频太长了 剪到30秒",
    "the deck needs a new cover image, can someone handle it",
    "sprint retro notes: poster done, video blocked",
])
def test_work_talk_among_colleagues_is_never_charged(text):
    assert _parse(text).request is False, text
    assert _parse("can someone make the bot do a song about my friend dave").request is True


# A false cancel kills the user's running paid task: whatever only looks like a take-back is never one.
@pytest.mark.parametrize("text", [
    "为什么不画了", "怎么不画了", "你怎么不画了", "视频怎么不出了", "图怎么还不出了", "咋不做了",
    "为啥不弄了", "海报怎么不做了",  # questions about the task asked while it runs
    "老师说不用画了", "他说不要了", "客户说不用做了，白忙活", "群主说不用弄了", "我女儿不画了",
    "我朋友不拍了", "我们不做海报了 改发朋友圈", "她说视频不做了",  # someone else's decision, retold
])
def test_a_question_about_the_task_or_someone_elses_decision_is_no_cancel(text):
    intent = _parse(text)
    assert intent.kind != "cancel" and intent.request is False, text
    assert "cancel" not in intent.commands, text


@pytest.mark.parametrize("text", [
    "帽子不要了", "眼镜不要了", "水印不要了", "后面的人不要了", "右边的树不要了，天空保留",
    "背景不要了，换成纯白", "文字不要了，其他不变", "左边那只狗不要了",
])
def test_with_a_picture_something_in_it_no_longer_wanted_is_an_edit_never_a_cancel(text):
    intent = _parse(text, 1)
    assert intent.kind == "generate" and intent.task_type == "image_to_image", text
    assert "cancel" not in intent.commands, text


@pytest.mark.parametrize("text", [
    "scratch art poster of a fox", "scratch art style image of an owl", "scrap metal robot sculpture image",
    "skip rope girl illustration", "cancel culture meme image", "forget me not flowers painting, watercolor",
    "no more heroes style poster, neon", "nix culture zine cover",
])
def test_a_style_or_subject_that_begins_with_a_take_back_word_cancels_nothing(text):
    intent = _parse(text)
    assert intent.kind != "cancel" and "cancel" not in intent.commands, text


@pytest.mark.parametrize("text, task", [
    ("skip the video, do a poster: summer drinks", "text_to_image"),
    ("forget the poster, make a banner instead", "text_to_image"),
])
def test_a_media_taken_back_before_another_asked_for_charges_the_new_one(text, task):
    intent = _parse(text)
    assert (intent.request, intent.task_type) == (True, task), text


@pytest.mark.parametrize("text", [
    "那个视频先不要了", "刚才那张海报不用画了", "nvm don't need the poster anymore", "scrap my video idea",
    "forget that poster for mom", "no more videos please",
])
def test_the_take_backs_that_name_the_thing_asked_for_still_cancel(text):
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("cancel", False), text


@pytest.mark.parametrize("text", [
    "画一只小丑在开玩笑", "画两个人在开玩笑", "做个视频：朋友之间开玩笑", "一张图：小孩在逗你玩",
    "画一群猴子互相开玩笑",
    "generate a track, genre: psych", "lofi beat, chill, psych", "a song, style: psych, tempo fast",
    "draw a dad who is kidding", "generate an image of a comedian, kidding",
    "a poster for my comedy show Only Joking",
    "video of a goat, title: jk", "a kid kidding around with his dog, watercolor",
])
def test_joking_said_inside_the_description_takes_nothing_back(text):
    # (REVIEW8 section 3: what the subject does, a genre, a title)
    assert _parse(text).request is True, text


@pytest.mark.parametrize("text", [
    "画个猪头 开玩笑的", "画个猪头开玩笑的", "画个猪头，开玩笑啦", "draw a cat in a hat? nah jk",
    "draw a cat in a hat, kidding lol", "make me a poster of my boss as a clown... just kidding",
])
def test_a_joke_taken_back_after_the_request_still_charges_nothing(text):
    assert _parse(text).request is False, text


@pytest.mark.parametrize("text, prompt", [
    ("the old man smiled, oil painting", "the old man smiled, oil painting"),
    ("my dog named Luna as a superhero, comic style", "my dog named Luna as a superhero, comic style"),
    ("the forest burned, dramatic sky, 16:9", "the forest burned, dramatic sky"),
    ("his eyes glowed red, dark fantasy portrait", "his eyes glowed red, dark fantasy portrait"),
    ("the city flooded, cinematic, aerial shot", "the city flooded, cinematic, aerial shot"),
    ("the dragon named Smaug sleeping on gold", "the dragon named Smaug sleeping on gold"),
    ("our village celebrated the harvest, watercolor", "our village celebrated the harvest, watercolor"),
])
def test_a_past_tense_scene_beside_a_style_or_media_word_is_the_description(text, prompt):
    # (REVIEW8 section 4: the subject was cut off as "a statement", or the message answered as chat)
    intent = _parse(text)
    assert (intent.request, intent.prompt) == (True, prompt), text


@pytest.mark.parametrize("text", [
    "server lag is insane rn, my render distance dropped to 2 chunks",
    "my render distance dropped to 2 chunks",
    "the video render failed", "thanks!! the guild loved the banner",
])
def test_a_past_tense_statement_with_no_scene_beside_it_is_still_talk(text):
    assert _parse(text).request is False, text


@pytest.mark.parametrize("text, images, task", [
    ("帮我看一下这张图，把背景换成白色", 1, "image_to_image"),
    ("pls look at this and make it anime style", 1, "image_to_image"),
    ("帮我选个风格画只猫", 0, "text_to_image"),
    ("帮我挑个好看的配色画一张海报：咖啡店开业", 0, "text_to_image"),
    ("please read the lyrics below and make a song: la la la summer nights", 0, "text_to_music"),
    ("pls check the vibe and make a lofi song", 0, "text_to_music"),
    ("please book cover for my novel, dark fantasy", 0, "text_to_image"),
    ("帮我写一首诗，再配一张图：秋天的落叶", 0, "text_to_image"),
    ("can you recommend a style and draw a fox in it", 0, "text_to_image"),
])
def test_an_errand_or_words_asked_before_something_made_leave_the_request(text, images, task):
    # (REVIEW8 section 5: the errand lead swallowed the request after it)
    intent = _parse(text, images)
    assert (intent.request, intent.task_type) == (True, task), text


@pytest.mark.parametrize("text, prompt", [
    ("write lyrics about summer, then make it a song, upbeat pop", "lyrics about summer, upbeat pop"),
    ("帮我写一首诗，再配一张图：秋天的落叶", "秋天的落叶"),
])
def test_words_made_into_the_thing_asked_stay_in_its_prompt(text, prompt):
    assert _parse(text).prompt == prompt, text


@pytest.mark.parametrize("text", [
    "帮我算一下", "帮我推荐一首歌", "帮我推荐几首歌，周杰伦那种", "帮我看看这张海报有没有错别字",
    "can you check my poster",
    "帮我写个脚本，30秒的，卖奶茶", "帮我想个视频标题 关于露营vlog的",
])
def test_errands_and_words_with_nothing_made_after_them_are_still_never_charged(text):
    assert _parse(text).request is False, text


@pytest.mark.parametrize("text", ["朋友让我给他画个头像，拜托了", "老板让我做个海报，烦死了，谢谢"])
def test_a_task_passed_on_politely_that_names_only_the_thing_is_asked_never_charged(text):
    # (REVIEW8 section 6: charged with the prompt '朋友让我头像')
    intent = _parse(text)
    assert (intent.request, intent.gate) == (False, "ambiguous"), text


@pytest.mark.parametrize("text", ["海螺最近更新了，试试：猫在跳舞",
                                  "sora videos look the same now, try kling: a cat dancing"])
def test_model_news_with_a_try_it_on_a_description_is_asked_with_the_button(text):
    intent = _parse(text)
    assert (intent.kind, intent.request, intent.gate) == ("generate", False, "ambiguous"), text


@pytest.mark.parametrize("text", ["要不要做个视频", "要不要做个视频？", "要不要画一只猫",
                                  "should we make a video?"])
def test_should_we_make_it_is_a_question_never_a_charge(text):
    assert _parse(text).request is False, text


def test_an_errand_before_the_thing_made_from_the_picture_is_not_its_prompt():
    intent = _parse("帮我看看这张图，做成视频", 1)
    assert (intent.request, intent.task_type, intent.prompt) == (True, "image_to_video", "")


def test_a_count_cut_leaves_no_space_before_the_colon_after_it():
    intent = _parse("4 frog emotes: happy, sad, angry, sleepy")
    assert (intent.n, intent.prompt) == (4, "frog emotes: happy, sad, angry, sleepy")


@pytest.mark.parametrize("text", ["一只猫，其他你看着办", "画一只猫，细节你定"])
def test_the_rest_left_to_the_bot_is_not_in_the_prompt(text):
    intent = _parse(text)
    assert (intent.request, intent.prompt) == (True, "一只猫"), text


# ── session 9 (REVIEW8 sections 7-8, still charged at the session's start) ──

@pytest.mark.parametrize("text", ["你能画什么", "你会画什么？", "你都能做些什么", "可以做个视频吗？",
                                  "可以做一首歌吗", "如果我发一张照片给你，你能做成视频吗",
                                  "if I send you a photo of my cat, make it a video"])
def test_what_the_bot_can_make_asked_with_no_subject_is_help(text):
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("help", False), text


@pytest.mark.parametrize("text", ["你能画一只猫吗", "可以画个猫吗？", "能做个猫咪跳舞的视频吗"])
def test_the_same_question_naming_a_subject_still_asks_for_it(text):
    assert _parse(text).request is True, text


@pytest.mark.parametrize("text", ["画饼", "画蛇添足", "放首歌", "send pics", "make way for the king",
                                  "make yourself at home", "draw the line somewhere man",
                                  "paint the town red tonight boys", "time to make dinner",
                                  "generate the invoice for client X", "render the page server side",
                                  "design review at 3pm", "build failed again",
                                  "film night tonight? 🍿", "everyone try @ima it's great"])
def test_everyday_phrases_with_a_making_verb_are_talk(text):
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("chat", False), text


@pytest.mark.parametrize("text", ["我想做个视频但是还没想好",
                                  "let's make a video for mom's birthday this weekend"])
def test_an_undecided_wish_or_a_plan_for_later_is_never_charged(text):
    assert _parse(text).request is False, text


@pytest.mark.parametrize("text, media", [
    ("刚在即梦做完视频，再帮我画一张封面：海边日落", "text_to_image"),  # the video was made elsewhere
    ("不画了不画了，做个视频吧：猫在跳舞", "text_to_video"),  # 画 with 了 is the verb taken back
    ("my boss wants a video by friday", "text_to_video"),  # what is wanted is what is made
])
def test_the_media_is_what_is_asked_for_now(text, media):
    intent = _parse(text)
    assert (intent.request, intent.task_type, intent.model_key) == (True, media, None), text


@pytest.mark.parametrize("text", ["字太小了，调大", "这张图太暗了，调亮一点", "把人物变大，现在太小了"])
def test_a_complaint_then_the_change_asked_of_the_picture_is_an_edit(text):
    intent = _parse(text, 1)
    assert (intent.request, intent.task_type) == (True, "image_to_image"), text


def test_an_edit_of_ones_own_photo_with_no_picture_asks_for_it():
    intent = _parse("自己拍的照片，帮我调成胶片风")
    assert (intent.task_type, intent.problem) == ("image_to_image", "need_image")


@pytest.mark.parametrize("text", ["never mind the typo, draw a cat in a hat",
                                  "sorry for the typos, draw a cat in a hat"])
def test_a_slip_overlooked_cancels_nothing(text):
    intent = _parse(text)
    assert (intent.request, intent.commands, intent.prompt) == (True, [], "a cat in a hat"), text


def test_a_slip_overlooked_alone_is_talk_and_a_cancel_with_a_typo_still_cancels():
    assert _parse("never mind the typo").kind == "chat"
    assert _parse("cancel that, typo").kind == "cancel"


@pytest.mark.parametrize("text", ["把我的信息都删掉吧，不想用了", "删掉我的信息", "把我的个人信息删掉"])
def test_deleting_ones_information_is_forget_me_never_an_edit(text):
    # (the 把 + change rule above must not read "把我的信息都删掉" as an edit of a picture)
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("forget_me", False), text


@pytest.mark.parametrize("text", ["@sam can you render the boss fight cutscene when you get a sec?",
                                  "hey @mira could you make the album art before the release? no rush",
                                  "@王姐 背景音乐的版权你问过法务了吗？", "@小林 双十一的主KV今天能出吗？"])
def test_a_message_that_opens_by_calling_a_person_is_theirs(text):
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("chat", False), text


@pytest.mark.parametrize("text", ["@小助手 春节祝福视频，一条金龙在红灯笼之间飞舞，8秒", "@ImaBot draw a cat",
                                  "@小李 你看下这个方向行不行 @IMA助手 先出一版：咖啡品牌秋季限定海报",
                                  "@全体成员 下午的分享会需要一张封面图，主题是AI与设计",
                                  "<@123456789> draw a fox"])
def test_the_bot_or_everyone_called_by_a_typed_name_or_a_token_still_asks(text):
    assert _parse(text).request is True, text


@pytest.mark.parametrize("text", [
    "下周一之前要把新品宣传视频剪出来，大家辛苦一下💪", "视频还在生成吗？转了快五分钟了",
    "今日进度：主视觉海报三张已定稿，两条短视频在剪辑中，BGM明天出", "我在做PPT，一会儿再来让它出配图",
    "画虎不成反类犬，还是原图好看", "break a leg at the gig tonight!",
    "well paint me surprised, the build actually compiled",
    "brb, give me a sec to finish the lyrics then I'll ping the bot"])
def test_team_talk_status_and_idioms_in_a_busy_group_are_never_charged(text):
    assert _parse(text).request is False, text


@pytest.mark.parametrize("text, kind", [
    ("这个机器人到底能生成些什么东西啊", "help"), ("这个机器人是干嘛用的？", "help"),
    ("what can u do", "help"),
    ("can you make videos from a picture?", "help"), ("把能用的模型列出来我看看", "list_models")])
def test_questions_about_the_bot_are_answered(text, kind):
    intent = _parse(text)
    assert (intent.kind, intent.request) == (kind, False), text


@pytest.mark.parametrize("text", ["difference between wan and pixverse?", "kling or wan?", "wan vs veo"])
def test_a_model_name_that_is_also_a_word_counts_beside_another_model(text):
    assert _parse(text).kind == "compare", text


@pytest.mark.parametrize("text", ["a knight with a wan smile", "sonic and tails racing"])
def test_the_word_alone_is_still_no_model(text):
    intent = _parse(text)
    assert (intent.request, intent.model_key, intent.task_type) == (True, None, "text_to_image"), text


@pytest.mark.parametrize("text, kind", [
    ("which model am I set to use rn?", "show_preferences"),
    ("what are my saved preferences", "show_preferences"),
    ("do you remember what model I picked last time?", "show_preferences"), ("好的，就按这个生成", "yes"),
    ("no thanks, that one's fine", "no"), ("gg", "chat"), ("能根据歌词生成歌吗？", "help"),
    ("下次开会我演示一下怎么用机器人出图", "chat"), ("老板想要一个能跳舞的吉祥物视频，我还在想方案", "chat")])
def test_replies_settings_questions_and_plans_are_answered_never_charged(text, kind):
    intent = _parse(text)
    assert (intent.kind, intent.request) == (kind, False), text


def test_a_real_question_lead_before_a_polite_request_is_filler():
    intent = _parse("okay real question lol can you draw a capybara in a business suit giving a TED talk")
    assert (intent.request, intent.prompt) == (True, "a capybara in a business suit giving a TED talk")


@pytest.mark.parametrize("text, images, task_type", [
    ("too dark, brighten it", 1, "image_to_image"),
    ("人物表情太僵硬了，改成自然微笑", 1, "image_to_image"),  # the look changed to, not movement
    ("让她微笑", 1, "image_to_video"),
    ("两张图，第一张是小宝一岁，第二张是现在，做个从小到大的变化视频", 2, "first_last_frame_to_video"),
    ("first pic is the seed, second is the full grown tree, make a timelapse of it growing", 2,
     "first_last_frame_to_video"),
    ("turn these two frames into a clip: door closed in the first, door open with light at the end", 2,
     "first_last_frame_to_video"),
])
def test_the_attached_pictures_named_or_counted_are_the_source_not_what_is_made(text, images, task_type):
    intent = _parse(text, images)
    assert (intent.request, intent.task_type) == (True, task_type), text


def test_a_title_screen_is_a_picture_not_words_asked_for():
    intent = _parse("ok so the jam theme is 'roots' and I need a title screen background: a giant tree")
    assert (intent.request, intent.task_type) == (True, "text_to_image")
    assert _parse("write me a poem").request is False


# ── session 9, REVIEW9 1.1: an everyday phrase is talk only where it is the phrase itself ──

@pytest.mark.parametrize("text, task_type, options", [
    ("做饭的视频，竖屏", "text_to_video", {"aspect_ratio": "9:16"}),  # never a paid redo of the last task
    ("做瑜伽的视频，10秒", "text_to_video", {"duration": 10}),
    ("make dinner video for my cooking channel, 10s", "text_to_video", {"duration": 10}),
    ("make tea ceremony video, 10s", "text_to_video", {"duration": 10}),
    ("做梦的猫 4k", "text_to_image", {}),
    ("做运动的卡通猫插画", "text_to_image", {}),
    ("做人要善良的海报", "text_to_image", {}),
    ("make time-lapse of a city at night", "text_to_video", {}),
    ("make a mistake meme", "text_to_image", {}),
    ("draw a blank canvas with a single red dot", "text_to_image", {}),
    ("make breakfast scene, cozy, anime style", "text_to_image", {}),
    ("make sure to draw a cat with a hat", "text_to_image", {}),
])
def test_an_everyday_phrase_that_starts_the_thing_to_make_is_a_request(text, task_type, options):
    intent = _parse(text)
    assert (intent.kind, intent.request, intent.task_type) == ("generate", True, task_type), text
    assert {k: intent.options.get(k) for k in options} == options, text


@pytest.mark.parametrize("text, subject", [
    ("做实验的科学家 画一张", "做实验的科学家"),
    ("做瑜伽的女孩，视频，10秒", "瑜伽的女孩"),
    ("做手术的医生，写实风格图片", "手术的医生"),
    ("make friends with a dragon, storybook illustration", "a dragon"),
    ("make a wish jar, cute watercolor", "wish jar"),
])
def test_the_subject_that_starts_with_an_everyday_phrase_stays_in_the_prompt(text, subject):
    intent = _parse(text)
    assert intent.request and subject in intent.prompt, (text, intent.prompt)


@pytest.mark.parametrize("text", [
    "画蛇添足了属于是", "画虎不成反类犬", "画虎不成反类犬，还是原图好看", "break a leg",
    "well paint me surprised", "make dinner tonight, guys", "做饭的时候别看手机", "放首歌听听",
    "make a wish and blow the candles", "draw the line at pineapple pizza", "give me a break",
    "make sure you bring a jacket", "先去做饭"])
def test_the_everyday_phrase_itself_stays_talk(text):
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("chat", False), text


@pytest.mark.parametrize("text", [
    "明天我来做海报，你们负责视频", "设计稿已更新，见附件", "@here new video dropped",
    "今天不想做视频了 摸鱼", "show me your desk setup", "I don't make videos, I just edit them",
    "tom: 'can the bot make songs?' me: yes tom, read the pins",
    "服务器又炸了？视频会议延时五秒 我说完话对面才听到",
    "MJ prompts these days are like 'cinematic, 8k, ultra detailed, trending on artstation' lol nobody reads",
    "we need a logo for the startup, I'll ask the designer tomorrow",
    "we need a poster for next week, i'll ask you later"])
def test_plans_status_habits_and_instructions_to_people_are_never_charged(text):
    assert _parse(text).request is False, text


@pytest.mark.parametrize("text", ["show me your take on a haunted lighthouse",
                                  "i just want a picture of a cat",
                                  "we need a banner for our charity run", "一只不想做作业的猫",
                                  "watch tower at dawn, misty hills",
                                  "周报写完了吗？写完的话…算了先不管，@ima 画一张部门团建的海报，去千岛湖"])
def test_requests_beside_those_words_still_ask(text):
    assert _parse(text).request is True, text


# ── REVIEW9 1.3: a typed "@name" first is a colleague only where colleagues read the message ──

@pytest.mark.parametrize("text", ["@Picasso draw a cat", "@小画家 画一只猫", "@midjourney draw a castle",
                                  "@painter make a poster for our launch"])
def test_a_typed_at_name_first_is_the_bot_in_a_direct_chat_and_a_colleague_in_a_group(text):
    direct = parse(text, 0, catalogues(), direct=True)
    assert (direct.kind, direct.request) == ("generate", True), text
    group = parse(text, 0, catalogues())  # the entry's default: a chat others read
    assert (group.kind, group.request) == ("chat", False), text


def test_in_a_direct_chat_what_is_not_a_request_stays_talk():
    intent = parse("@sam lol thanks", 0, catalogues(), direct=True)
    assert intent.request is False


# ── session 9, REVIEW9 4.1/2.4/2.5/4.5 (old false charges and cancels read as talk) ──

@pytest.mark.parametrize("text", ["暂停五分钟", "休息十分钟", "等我五分钟", "给我五分钟", "给我10分钟",
                                  "5 min break", "back in 10 minutes", "会议推迟半小时",
                                  "take a 10 minute break"])
def test_a_break_or_a_wait_with_its_length_is_talk_never_a_video_or_a_redo(text):
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("chat", False), text


@pytest.mark.parametrize("text", ["给我两张", "a 10 second clip of a break dancer"])
def test_counts_and_lengths_of_a_real_request_still_ask(text):
    assert _parse(text).request is True, text


@pytest.mark.parametrize("text", ["stop the dog video", "stop the cat one", "stop making the video",
                                  "nah i dont want that anymore", "I don't want this video anymore",
                                  "不要这个视频了", "那个狗的视频不要了", "太贵了不做了", "kill the job"])
def test_what_is_running_taken_back_in_other_words_is_a_cancel_never_a_charge(text):
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("cancel", False), text


@pytest.mark.parametrize("text", ["stop making videos of dogs", "stop motion video of a cat",
                                  "i don't want a video, a poster of a cat"])
def test_stop_and_dont_want_that_take_nothing_back_keep_their_meaning(text):
    assert _parse(text).kind != "cancel", text


@pytest.mark.parametrize("text", ["ignore the last message", "my friend wants to know if you can make videos",
                                  "the client wants a video, any ideas?", "ima画的图越来越好了😂"])
def test_asides_questions_for_others_and_praise_are_never_charged(text):
    assert _parse(text).request is False, text


def test_a_thing_introduced_after_ok_so_is_a_new_request_not_a_redo():
    intent = _parse("ok so a cat wearing sunglasses, 4k")
    assert (intent.kind, intent.request, intent.prompt) == ("generate", True, "a cat wearing sunglasses")


@pytest.mark.parametrize("text, kind", [("这个bot能画头像吗", "help"), ("能画头像吗", "help"),
                                        ("我也想学画画", "chat"),
                                        ("video call in 5", "chat"), ("photo dump from the trip", "chat"),
                                        ("can you make me laugh", "chat"), ("new pfp who dis", "chat")])
def test_kinds_of_picture_asked_about_and_everyday_talk_are_never_charged(text, kind):
    intent = _parse(text)
    assert (intent.kind, intent.request) == (kind, False), text


@pytest.mark.parametrize("text", ["能帮我画个头像吗", "can you surprise me with a cat picture"])
def test_asking_for_one_still_asks(text):
    assert _parse(text).request is True, text


@pytest.mark.parametrize("text", ["来个惊喜", "give me a surprise"])
def test_a_surprise_asked_for_names_nothing_and_is_asked_with_the_button(text):
    intent = _parse(text)
    assert (intent.request, intent.gate) == (False, "ambiguous"), text


# ── REVIEW9 1.4 / 4.2: a 把-sentence with no picture edits one only if it names one or a part ──

@pytest.mark.parametrize("text", [
    "把价格调低一点吧，太贵了", "把空调调低一点", "把闹钟调到七点", "把温度调高两度",
    "把会议改到下午", "把音量调大", "把文件改成pdf", "把这个发给老板", "把灯关了",
    "请把空调调低一点", "把握机会"])
def test_an_everyday_ba_sentence_is_talk_never_a_picture_of_it(text):
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("chat", False), text


@pytest.mark.parametrize("text", [
    "把背景换成白色", "把人物变大", "帮我把天空换成晚霞", "把照片调亮一点", "把他P掉",
    "将背景替换为星空", "把我的头像改成动漫风"])
def test_an_edit_said_with_ba_and_no_picture_asks_for_the_picture(text):
    intent = _parse(text)
    wanted = ("generate", "image_to_image", "need_image")
    assert (intent.kind, intent.task_type, intent.problem) == wanted, text


@pytest.mark.parametrize("text, images, task_type", [
    ("把背景换成白色", 1, "image_to_image"), ("把价格调低一点", 1, "image_to_image"),  # the picture's own
    ("把猫画成卡通风格", 0, "text_to_image"), ("把这段文字做成海报", 0, "text_to_image"),  # something drawn
])
def test_a_ba_edit_with_its_picture_or_a_ba_drawing_is_still_made(text, images, task_type):
    intent = _parse(text, images)
    assert (intent.request, intent.task_type, intent.problem) == (True, task_type, None), text


# ── REVIEW9 4.4: a reaction, then only an option, is a redo offered with the button, never charged ──

@pytest.mark.parametrize("text", ["haha nice one, 4k", "that's cool, 10s", "thanks! 1:1", "wow, vertical",
                                  "不错，横屏", "哈哈好看，4k", "太棒了，16:9"])
def test_a_reaction_then_an_option_is_a_redo_asked_with_the_button(text):
    intent = _parse(text)
    assert (intent.kind, intent.gate, intent.request) == ("again", "ambiguous", False), text


@pytest.mark.parametrize("text", ["16:9 pls", "same but vertical", "4k", "竖屏", "love it, do it again in 4k",
                                  "再来一张，竖屏", "ok so a cat wearing sunglasses, 4k"])
def test_an_option_alone_or_with_a_redo_said_is_still_made(text):
    assert _parse(text).request is True, text


@pytest.mark.parametrize("text", ["gimme 10 minutes", "等我10分钟再说"])
def test_a_wait_said_with_gimme_or_then_well_see_is_talk(text):
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("chat", False), text


@pytest.mark.parametrize("text", ["好的那就来个视频", "好的来个视频", "sure, make a video",
                                  "yes, make a video"])
def test_an_ok_before_a_bare_ask_is_no_subject_so_nothing_is_made_of_the_words(text):
    """REVIEW9 4.5: "ok, then make a video" names nothing to make; the ok is no prompt (the bot asks what)."""
    intent = _parse(text)
    assert (intent.kind, intent.prompt) == ("generate", ""), text


@pytest.mark.parametrize("text, prompt_text", [("sure make a video of a cat", "a cat"),
                                               ("好的画一只猫", "一只猫")])
def test_an_ok_before_a_request_leaves_its_subject(text, prompt_text):
    assert _parse(text).prompt == prompt_text, text


# ── session 10: polite requests, wants of things we do not make, plans, a cancel before a request ──
@pytest.mark.parametrize("text, prompt_text", [
    ("I was wondering if you could create an image of a lighthouse at dusk", "a lighthouse at dusk"),
    ("i was hoping you could make a video of waves crashing on rocks", "waves crashing on rocks"),
    ("any chance for a pic of a red panda eating bamboo", "a red panda eating bamboo"),
    ("/imagine prompt: a castle in the clouds", "a castle in the clouds"),
])
def test_a_polite_or_typed_command_request_is_made_with_a_clean_prompt(text, prompt_text):
    intent = _parse(text)
    assert (intent.kind, intent.request, intent.prompt) == ("generate", True, prompt_text), text


def test_a_few_pictures_asked_for_in_chinese_is_a_request_but_how_many_it_can_make_is_a_question():
    assert _parse("画几张猫的图").request
    assert _parse("再来几首").kind == "again"
    for text in ("你能画几张", "一次能生成几张", "画几张？"):
        assert not _parse(text).request, text


@pytest.mark.parametrize("text", [
    "need a ride to the airport", "i need a vacation", "i want a pizza", "we need a plumber asap",
    "need a nap so bad", "我想要一杯奶茶", "make me a sandwich", "再来亿次",
    "meeting 之后我再 generate 那个 poster", "晚点我再让它做，现在要去接孩子",
])
def test_wants_of_things_we_do_not_make_jokes_and_plans_are_talk(text):
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("chat", False), text


@pytest.mark.parametrize("text, prompt_text", [
    ("i want a dragon", "a dragon"), ("I need a dinosaur", "a dinosaur"),
    ("i want a neon city", "a neon city"), ("hey, i want a dragon", "a dragon"),
    ("i want a dragon!!", "a dragon"), ("i want 4 dragons", "4 dragons"),
    ("want a dragon flying over a castle", "a dragon flying over a castle"),
    ("我要一只柯基", "一只柯基"), ("我想要一只猫", "一只猫"), ("我要一座城堡", "一座城堡"),
    ("要一个宇航员在月球上骑马", "一个宇航员在月球上骑马"), ("我要一只熊猫吃竹子", "一只熊猫吃竹子"),
    ("我要一只猫，赛博朋克风格", "一只猫，赛博朋克风格"), ("我想要一只戴帽子的猫", "一只戴帽子的猫"),
])
def test_a_want_of_a_drawable_subject_is_a_request(text, prompt_text):
    # REVIEW10 §1: on an image bot "i want a dragon" is how a beginner asks; only everyday things are talk
    intent = _parse(text)
    assert (intent.kind, intent.request, intent.prompt) == ("generate", True, prompt_text), text


@pytest.mark.parametrize("text", ["i need a dog so bad", "i want a pizza on the moon"])
def test_a_want_said_with_a_reason_or_an_everyday_thing_in_a_scene_is_asked_with_the_button(text):
    intent = _parse(text)
    assert (intent.kind, intent.gate, intent.request) == ("generate", "ambiguous", False), text


@pytest.mark.parametrize("text", [
    "I was wondering if you could make music", "I was wondering if you can make videos?",
    "i wonder if you can draw", "I wonder if you could make longer videos",
    "I was hoping you could make songs with lyrics", "I was wondering if you could draw anime",
])
def test_a_capability_question_after_a_polite_lead_is_help_as_after_can_you(text):
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("help", False), text


@pytest.mark.parametrize("text", [
    "I was wondering if you could make the videos longer", "can you make the videos longer",
    "make your videos longer pls", "could you make the songs shorter", "i was hoping you'd be faster",
    "any chance for a refund?", "any chance of a discount",
])
def test_feedback_about_what_the_bot_makes_and_everyday_asks_after_a_polite_lead_are_talk(text):
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("chat", False), text


def test_a_progress_question_after_any_chance_for_is_about_the_task():
    intent = _parse("any chance for an update on my video?")
    assert (intent.kind, intent.request, intent.about_task) == ("chat", False, True)


@pytest.mark.parametrize("text", ["I was hoping you could make it brighter", "make the cat bigger"])
def test_a_change_to_a_picture_not_sent_asks_for_the_picture(text):
    intent = _parse(text)
    assert (intent.task_type, intent.problem) == ("image_to_image", "need_image"), text


@pytest.mark.parametrize("text", ["画几张比较好", "做几个比较合适", "画几张图合适", "做几段视频才够",
                                  "一般画几张", "画几张都行", "该画几张"])
def test_how_many_to_make_asked_with_a_judging_word_is_a_question(text):
    # REVIEW10 §3: 几 after a making verb is "a few" only when a subject follows
    assert not _parse(text).request, text
    assert _parse(text).kind != "generate", text


@pytest.mark.parametrize("text", ["画几张猫猫给我", "画几个头像给我"])
def test_a_few_of_a_subject_asked_in_chinese_is_a_request(text):
    assert _parse(text).request, text


def test_a_want_of_something_we_make_is_still_made():
    for text in ("i want a poster of a cat", "@ima 好想要一张江南水乡的雪景，水墨风～",
                 "need a flyer for a rap battle"):
        assert _parse(text).request, text


def test_a_task_stopped_before_a_request_is_cancelled_first_and_the_prompt_is_the_request():
    intent = _parse("stop the cat video and draw a dog")
    assert (intent.kind, intent.request, intent.prompt) == ("generate", True, "a dog")
    assert intent.commands == ["cancel"] and (intent.named_media, intent.named) == ("video", ("cat",))


def test_a_slogan_poster_is_never_a_silent_cancel():
    intent = _parse("stop the war poster")
    assert intent.kind == "generate" and intent.gate == "ambiguous" and not intent.request
    assert _parse("stop the dog video").kind == "cancel"


@pytest.mark.parametrize("text", [
    "my sister paints portraits for a living, she'd hate this lol",  # a person's job, told
    "我小时候也学过画画，后来放弃了",  # what the user once learned
    "这BGM有点像周杰伦的歌",  # a likeness remarked on
    "the new trailer for that space opera dropped today, it looks mid",  # news, then a verdict
    "我们 team 下周要拍个 product video，先 brainstorm 一下",  # the team's plan, its subject first
    "刚生成的那首歌我设成手机铃声了哈哈",  # what was done with a result, laughing
])
def test_stories_news_likeness_and_plans_with_media_words_are_talk(text):
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("chat", False), text


def test_a_story_beside_a_plain_request_still_makes_it():
    assert _parse("my sister paints portraits, draw her a cat in a beret").request
    assert _parse("my friends dancing at a wedding, oil painting").request


@pytest.mark.parametrize("text, kind", [
    ("can you clear my saved default model thing", "reset_preference"),
    ("把默认模型清掉吧 用着不顺手", "reset_preference"),  # the reason after it is a remark
    ("把我的数据全删了吧", "forget_me"), ("把我的 data 全删了", "forget_me"),
    ("do u do music too?", "help"), ("wait how does this thing work lol", "help"),
    ("bot 你能做 music 吗", "help"),
    ("is nano banana pro worth it over the normal one?", "compare"),
    ("do it again lmao that was hilarious", "again"), ("一样的 prompt 再跑一次", "again"),
    ("ok that didn't work, give it a shot with some other model", "try_another"),
])
def test_commands_and_questions_said_with_words_around_them_get_their_kind(text, kind):
    assert _parse(text).kind == kind, text


@pytest.mark.parametrize("text, images", [
    ("Hello! I hope you're doing well. I would like to request an illustration of an elderly owl", 0),
    ("can i get 2 versions of a sticker of a grumpy avocado", 0),
    ("would it be ok to get a lofi hip hop instrumental for late night studying, no vocals", 0),
    ("有没有可能生成三张不同角度的青花瓷花瓶", 0), ("能不能给这张自拍加一副墨镜和一顶草帽", 1),
    ("哈哈哈笑死 @机器人 顺便画个穿西装的柴犬在开董事会", 0),
])
def test_polite_and_indirect_requests_are_made(text, images):
    assert _parse(text, images).request, text


@pytest.mark.parametrize("text, task_type, images", [
    ("生成两首适合咖啡店放的爵士乐", "text_to_music", 0),
    ("做首歌 city pop风 关于夏天的海边 female vocal", "text_to_music", 0),
    ("can u make 2 versions of an epic orchestral intro theme for my youtube channel", "text_to_music", 0),
    ("这张 photo 帮我 animate 一下，让头发被风吹起来", "image_to_video", 1),
])
def test_what_is_made_is_read_from_music_words_and_motion(text, task_type, images):
    assert _parse(text, images).task_type == task_type, text


def test_banana_after_a_use_word_is_the_nano_banana_family_but_a_banana_to_draw_is_fruit():
    drawn = _parse("using banana, draw a vintage travel poster for Lisbon")
    assert model_id(drawn) == "gemini-3.1-flash-image"
    assert model_id(_parse("a banana wearing sunglasses")) is None


def test_the_best_thing_you_can_make_is_asked_for():
    intent = _parse("cheapest video u can do of a tumbleweed rolling across an empty highway lol")
    assert intent.request and intent.task_type == "text_to_video"


@pytest.mark.parametrize("text", [
    "妈，你那张在西湖拍的照片发群里了吗",  # said to mom
    "our composer is doing the soundtrack for the game, should be done by friday",  # a person at work on it
])
def test_talk_to_a_person_or_about_their_work_is_never_charged(text):
    assert (_parse(text).kind, _parse(text).request) == ("chat", False), text


def test_an_always_default_taken_back_is_a_reset_that_uses_no_model():
    intent = _parse("forget that always-veo thing, go back to default for videos")
    assert intent.kind == "reset_preference" and intent.model_key is None


# ── REVIEW10 §4-7: the look-alike requests of the session-10 talk rules ──
@pytest.mark.parametrize("text", [
    "a video of that sunset we saw", "a comic about that time we got lost",
    "a poster for that movie we watched",
    "a video announcing our app just dropped", "a banner saying our new album dropped today",
])
def test_a_past_said_inside_what_to_make_describes_the_subject(text):
    # §4: "that" after a preposition opens no relative clause, but "a video of …" names what to make first
    assert _parse(text).request, text


@pytest.mark.parametrize("text", ["我明天要一个视频：猫在跳舞", "我明天要一张海报：新品发布"])
def test_a_plan_word_before_a_stated_prompt_asks_now(text):
    assert _parse(text).request, text


def test_a_plan_with_a_draft_asked_now_is_a_request():
    assert _parse("我们下周要一个宣传视频，现在先做个草稿：城市夜景").request


@pytest.mark.parametrize("text", ["[1] 先去噪", "[1] 要去斑", "[1] 先去红眼", "[1] 要去字",
                                  "[1] 先去路人再调色"])
def test_removing_something_from_the_picture_sent_is_about_the_picture(text):
    # §5: 去 + a blemish is a retouch, never where the user is off to (the button at least, never chat)
    intent = _parse(text[4:], images=1)
    assert (intent.kind, intent.task_type) == ("generate", "image_to_image"), text


@pytest.mark.parametrize("text", ["现在要去接孩子", "我要去参加婚礼", "我先去吃饭了"])
def test_where_the_user_is_off_to_is_talk(text):
    assert (_parse(text).kind, _parse(text).request) == ("chat", False), text


@pytest.mark.parametrize("text, prompt_text", [("咱再整一个视频：小狗冲浪", "小狗冲浪"),
                                               ("我再写一首歌：关于夏天", "关于夏天")])
def test_one_more_said_with_what_it_is_is_a_request(text, prompt_text):
    # §6: "我再 + verb" is the user's own later doing only with a time word or a plan marker
    intent = _parse(text)
    assert (intent.request, intent.prompt) == (True, prompt_text), text


@pytest.mark.parametrize("text", ["我等下再画", "我们回头再做那个海报",
                                  "meeting 之后我再 generate 那个 poster"])
def test_the_users_own_later_doing_is_talk(text):
    assert not _parse(text).request, text


@pytest.mark.parametrize("text", ["stop the clock poster and a melting watch",
                                  "stop the bus poster and a kid waving",
                                  "stop the noise poster and a quiet street"])
def test_a_slogan_poster_with_more_after_and_is_never_a_cancel(text):
    # §7: a take-back before "and" counts only when a request follows it
    intent = _parse(text)
    assert intent.kind == "generate" and "cancel" not in intent.commands and not intent.plain, text


def test_a_task_stopped_before_a_command_does_both():
    intent = _parse("stop the cat video and switch model")
    assert intent.kind == "try_another" and intent.commands == ["cancel"]


def test_a_person_called_by_name_is_talk_but_a_request_after_it_is_made():
    assert _parse("妈，你那张在西湖拍的照片发群里了吗").kind == "chat"
    assert _parse("bro, draw a cat").request


def test_a_length_before_the_noun_leaves_the_noun_the_head_and_a_model_that_works_is_talk():
    jingle = _parse("a 30 second jingle for a bakery, upbeat")
    assert jingle.task_type == "text_to_music" and jingle.request
    assert _parse("[2] make the second picture into a video".split("] ", 1)[1], 2).task_type.endswith("video")
    assert (_parse("kling works").kind, _parse("kling works").request) == ("chat", False)
    assert _parse("use kling, a cat that works at a cafe").request  # "works" describes the cat
    assert _parse("i'd like another one").kind == "again"


@pytest.mark.parametrize("text, prompt_text", [
    ("休息十分钟 @ima 做一个10秒的视频", ""),  # the break said to the channel is no prompt (the bot asks)
    ("会议先暂停五分钟 @IMA助手 做两个年终总结开场动画，金色粒子汇聚成公司logo",
     "年终总结开场动画，金色粒子汇聚成公司logo"),
])
def test_a_break_said_before_the_bot_is_named_is_talk_and_the_ask_after_it_stands(text, prompt_text):
    intent = _parse(text)
    assert (intent.request, intent.task_type, intent.prompt) == (True, "text_to_video", prompt_text), text


def test_a_last_part_that_only_names_a_video_decides_the_media_after_a_drawing_verb():
    for text in ("@ima 画一只猫，10秒视频", "draw a cat, 10s video", "画一只猫，做成视频"):
        assert _parse(text).task_type == "text_to_video", text
    # a video named inside the subject, or not last and alone, leaves the picture
    assert _parse("draw a cat holding a video camera").task_type == "text_to_image"
    assert _parse("画一只猫，封面用在视频里").task_type == "text_to_image"


@pytest.mark.parametrize("text", [
    "I would like to request a refund", "i'd like to request an invoice for march",
    "I would like to request account deletion", "I'd like to request a new feature: dark mode",
    "I would like to request a refund, my video never came", "我想申请退款", "麻烦开一张发票",
    "我想要一个新功能",
])
def test_a_thing_the_bot_never_makes_asked_politely_is_talk_not_a_charge(text):
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("chat", False), text


@pytest.mark.parametrize("text, prompt_text", [
    ("I would like to request a poster of a fox", "a poster of a fox"),
    ("I would like to request a refund poster", "a refund poster"),  # a media noun: something made
    ("I would like to request a meeting room sign", "a meeting room sign"),
    ("帮我画一张退款流程的海报", "退款流程的海报"),
])
def test_a_polite_request_whose_thing_is_made_stays_a_request(text, prompt_text):
    intent = _parse(text)
    assert (intent.kind, intent.request, intent.prompt) == ("generate", True, prompt_text), text


@pytest.mark.parametrize("text", [
    "a meme about our boss went around the office", "a song about rain came on the radio and i cried",
    "a video of my cat went viral", "a trailer for the new marvel movie dropped today",
])
def test_a_thing_named_then_its_own_verb_told_is_news_asked_never_charged(text):
    """"a <media> about/of/for X" then X's own verb in the past tells what happened to it: it might still be
    a prompt, so it is asked with the button, never charged."""
    intent = _parse(text)
    assert (intent.request, intent.gate) == (False, "ambiguous"), text


@pytest.mark.parametrize("text", [
    "a video of that sunset we saw", "a comic about that time we got lost",
    "a poster for the game we won yesterday", "a banner saying our new album dropped today",
    "a video announcing our app just dropped", "a video of my dog who ran away",
    "a poster of a cat that ate the moon", "a drawing of the house i grew up in",
    "a poster of the eiffel tower lit up at night", "a painting of a knight made of glass",
    "an illustration of a boy who lost his balloon", "a song for my sister who is getting married",
])
def test_a_past_inside_what_the_thing_shows_keeps_it_a_request(text):
    assert _parse(text).request, text

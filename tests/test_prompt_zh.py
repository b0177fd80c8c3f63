"""The clean prompt of Chinese and mixed zh/en requests (issue 14, item 5), through the public parse entry.
Each test is one class of phrasing (HELDOUT.md's convention: the prompt keeps the subject, style and head
noun, and drops instructions, counts, options, model names and politeness), tried on wordings beside the
blind sets' own, so a fix holds for the class, not for one sentence."""

from __future__ import annotations

import pytest

from core.intent import parse

from .test_intent_corpus import catalogues


def _prompt(text: str, images: int = 0) -> str:
    intent = parse(text, images, catalogues())
    assert intent.request, intent
    return intent.prompt


@pytest.mark.parametrize("text, expected", [
    # "给我的X配个Y": what is accompanied is only the user's own song or clip; Y is the thing made
    ("给我的歌配个MV片段，雨夜的便利店，一个人在吃关东煮", "MV片段，雨夜的便利店，一个人在吃关东煮"),
    ("给我的短视频配一首古风歌，笛子为主", "古风歌，笛子为主"),
    ("帮我的歌配一段MV，夏天的海边", "MV，夏天的海边"),
    ("给这段视频配个bgm 轻松一点", "bgm 轻松一点"),
    # … but what says what it is for stays before the head noun, with one "的"
    ("为我们的婚礼视频配一首纯音乐，钢琴，浪漫", "婚礼视频的纯音乐，钢琴，浪漫"),
    ("给我们读书会做个海报，复古一点", "读书会的海报，复古一点"),
    ("给我们公司年会做个邀请函的底图，中国风", "公司年会邀请函的底图，中国风"),
    ("给我们乐队的新专辑画个封面 要很丧的感觉", "乐队新专辑的封面 要很丧的感觉"),
    ("给我的 vlog 配个 bgm，japan trip", "vlog 的 bgm，japan trip"),
])
def test_what_the_thing_is_for_and_the_thing_made(text: str, expected: str) -> None:
    assert _prompt(text) == expected


@pytest.mark.parametrize("text, expected", [
    # a count word before an English head noun belongs to it, like "一张" before "海报"
    ("帮我出一个 product shot，蓝牙耳机 floating in water，干净背景",
     "product shot，蓝牙耳机 floating in water，干净背景"),
    ("做一个 landing page hero image，极简", "landing page hero image，极简"),
    # a later part that asks again loses its verb; "一只" counts the subject and stays
    ("新员工入职欢迎卡 画一只小鲸鱼在喷水 暖色调", "新员工入职欢迎卡 一只小鲸鱼在喷水 暖色调"),
    ("中秋贺卡，画一只兔子抱着月饼", "中秋贺卡，一只兔子抱着月饼"),
])
def test_measure_words_and_verbs_of_asking_go(text: str, expected: str) -> None:
    assert _prompt(text) == expected


@pytest.mark.parametrize("text, expected", [
    # a make-verb's character that starts a word of the description is not the verb
    ("视频：出租车在雨夜穿行", "出租车在雨夜穿行"),
    ("图片：画家在海边写生", "画家在海边写生"),
    ("来个搞笑视频：老板在会议室睡着了", "搞笑视频：老板在会议室睡着了"),
    ("做个搞怪表情包", "搞怪表情包"),
    ("来段视频 来自外星的访客降落在草原上", "来自外星的访客降落在草原上"),
    ("视频 写字楼里加班的人", "写字楼里加班的人"),
])
def test_a_word_that_starts_like_a_verb_stays_whole(text: str, expected: str) -> None:
    assert _prompt(text) == expected


@pytest.mark.parametrize("text, expected", [
    # what only says how it should turn out, or how it is asked, goes wherever it stands
    ("想做个视频 一个女孩在樱花树下跳舞 唯美一点 无水印", "一个女孩在樱花树下跳舞 唯美一点"),
    ("帮忙出张图 高清无码 一只柴犬在海边", "一只柴犬在海边"),
    ("用最便宜的模型随便出一张占位图就行，灰色背景", "占位图，灰色背景"),
    ("用最便宜的生成个视频试试水 一只鸭子在泳池里漂着", "一只鸭子在泳池里漂着"),
    ("帮我gen一张poster，coffee & jazz night，复古一点ok吗", "poster，coffee & jazz night，复古一点"),
    ("能给我做一段开场动画吗 logo从粒子里聚合出来", "开场动画 logo从粒子里聚合出来"),
    ("那个就是帮我生成一张图啊就是一个老奶奶坐在大槐树下织毛衣", "一个老奶奶坐在大槐树下织毛衣"),
    ("我想看一只熊猫在吃火锅的视频", "一只熊猫在吃火锅"),
    ("帮我化一张教师节的手抄报背景 可爱一点", "教师节的手抄报背景 可爱一点"),
    # "女生" in a picture is who is drawn, not a singing voice
    ("给我画两张头像，女生，短发，戴耳机", "头像，女生，短发，戴耳机"),
])
def test_how_it_is_asked_goes_and_the_description_stays(text: str, expected: str) -> None:
    assert _prompt(text) == expected


@pytest.mark.parametrize("text, expected, options", [
    # sound asked for in words is the option, not the prompt
    ("谷歌veo 做一个城市早高峰地铁站的延时 带环境音", "城市早高峰地铁站的延时", {"generate_audio": True}),
    ("做个海浪拍打礁石的视频，有环境声", "海浪拍打礁石", {"generate_audio": True}),
    # "about ten seconds": the length and its "about" go together
    ("帮我生成个视频就是一个小女孩在海边放风筝要温馨一点大概十秒吧", "一个小女孩在海边放风筝要温馨一点",
     {"duration": 10}),
    ("来段海边日落的视频，大约8秒左右", "海边日落", {"duration": 8}),
])
def test_options_said_in_words_leave_the_prompt(text: str, expected: str, options: dict[str, object]) -> None:
    intent = parse(text, 0, catalogues())
    assert intent.prompt == expected, intent
    assert {k: intent.options.get(k) for k in options} == options, intent


@pytest.mark.parametrize("text, lyrics, expected", [
    # a "风格：" / "style:" line under the verses says how the song sounds: that is the prompt
    ("豆包歌曲 写首歌 女声 歌词：\n周一的咖啡有点苦\n周五的晚风刚刚好\n风格：城市民谣",
     "周一的咖啡有点苦\n周五的晚风刚刚好", "城市民谣"),
    ("写首歌，歌词：\n春天来了\n花儿开了\n曲风：儿歌 欢快", "春天来了\n花儿开了", "儿歌 欢快"),
    ("write a song, lyrics:\nhello moon\ngoodbye sun\nstyle: synthwave, dreamy", "hello moon\ngoodbye sun",
     "synthwave, dreamy"),
])
def test_a_style_line_after_the_lyrics_is_the_prompt(text: str, lyrics: str, expected: str) -> None:
    intent = parse(text, 0, catalogues())
    assert intent.task_type == "text_to_music" and intent.options.get("lyrics") == lyrics, intent
    assert intent.prompt == expected, intent


@pytest.mark.parametrize("text, expected", [
    # a part ending in a character that can also be a verdict ("卡" laggy, "顶" top-notch, "假" fake) names
    # a thing here (贺卡, 屋顶, 暑假): it stays in the prompt, and the message is still a request
    ("新员工入职欢迎卡 画一只小鲸鱼在喷水 暖色调", "新员工入职欢迎卡 一只小鲸鱼在喷水 暖色调"),
    ("生日卡 粉色 小熊", "生日卡 粉色 小熊"),
    ("一只猫坐在屋顶", "一只猫坐在屋顶"),
    ("暑假 一家人去海边 画一张", "暑假 一家人去海边"),
])
def test_a_thing_named_with_a_verdict_character_is_not_a_verdict(text: str, expected: str) -> None:
    assert _prompt(text) == expected


def test_a_verdict_with_its_degree_word_is_still_talk() -> None:
    for text in ("有点糊", "机器人今天好慢", "这张图的背景好看"):
        intent = parse(text, 0, catalogues())
        assert not intent.request, intent


@pytest.mark.parametrize("text, images, expected", [
    # what only says which pictures were sent, or what they are, goes; the motion asked for stays
    ("这俩 refs 做成视频，女孩和她的 robot 一起逛夜市", 2, "女孩和她的 robot 一起逛夜市"),
    ("首帧尾帧都发了 用kling做个过渡 白天变黑夜", 2, "白天变黑夜"),
    ("这两张是我们的IP形象 当reference 生成一段她们在游乐园坐过山车的视频", 2, "她们在游乐园坐过山车"),
    ("这张产品图 做成三百六十度旋转展示的视频", 1, "三百六十度旋转展示"),
    ("这张照片 做成一个慢慢推进的镜头", 1, "慢慢推进的镜头"),
    ("这张海报 做成会动的视频 灯光闪烁", 1, "灯光闪烁"),
    # an edit starts at its change, after a part that only points at the picture
    ("这张截图 帮我p掉水印", 1, "p掉水印"),
    ("照片发你了，背景换成海边", 1, "背景换成海边"),
])
def test_what_only_points_at_the_pictures_sent_goes(text: str, images: int, expected: str) -> None:
    assert _prompt(text, images) == expected


@pytest.mark.parametrize("text, expected", [
    ("帮我配一张有意境的图 一个人在湖边发呆 留白多一点", "有意境的图 一个人在湖边发呆 留白多一点"),
    ("给我做的小游戏配个主题曲 像素风 要燃", "小游戏的主题曲 像素风 要燃"),
    # someone else's need, up to the thing made, is the ask ("详情页要一张…")
    ("详情页要一张场景图 一瓶护手霜放在针织毯上 冬天的氛围", "场景图 一瓶护手霜放在针织毯上 冬天的氛围"),
    # a style before the media word needs the media word
    ("帮我做一张电影剧照风格的图，女侠站在竹林里", "电影剧照风格的图，女侠站在竹林里"),
    ("画一张猫和狗一起睡觉的图", "猫和狗一起睡觉"),
    # a last part said to the others in the group
    ("麻烦生成一个开学典礼的开场动画 学校大门缓缓打开 其他老师看到后可以提提意见哈",
     "开学典礼的开场动画 学校大门缓缓打开"),
    ("做张年会海报 红金配色 大家看看怎么样", "年会海报 红金配色"),
    ("pixverse 来个demo 一个机器人在流水线上打包快递", "一个机器人在流水线上打包快递"),
])
def test_more_ways_of_asking_in_chinese(text: str, expected: str) -> None:
    assert _prompt(text) == expected


@pytest.mark.parametrize("text, images, options, n", [
    # "32x32" with a sprite is a pixel grid, not the picture's shape; "9x16" alone is a shape
    ("pixel art sprite sheet of a tiny knight, 32x32 look", 0, {}, None),
    ("像素风的小怪物 16x16 像素", 0, {}, None),
    ("a poster of a lighthouse, 9x16", 0, {"aspect_ratio": "9:16"}, None),
    # "两张图做首尾帧" with two pictures sent counts the pictures sent, not the results
    ("两张图做首尾帧 第一张是毛毛虫 第二张是蝴蝶 中间自然过渡", 2, {}, None),
    ("两张照片合成一张 让两只狗坐在沙发上", 2, {}, None),
    ("出两张 一只猫在弹琴", 0, {}, 2),
    # voices said in other words
    ("a birthday song for my sister, kpop, girl vocals", 0, {"vocal_gender": "female"}, None),
    ("sea shanty about debugging, guy vocals", 0, {"vocal_gender": "male"}, None),
])
def test_options_and_counts_said_in_other_words(text: str, images: int, options: dict[str, object],
                                                n: int | None) -> None:
    intent = parse(text, images, catalogues())
    got = {k: v for k, v in intent.options.items() if k in ("aspect_ratio", "vocal_gender")}
    assert got == options and intent.n == n, intent


def test_lyrics_opened_by_a_section_tag_are_the_lyrics() -> None:
    intent = parse("pop punk song w/ these lyrics pls [verse] the server's down again [chorus] lag lag lag",
                   0, catalogues())
    assert intent.request and intent.task_type == "text_to_music", intent
    assert intent.options.get("lyrics") == "[verse] the server's down again [chorus] lag lag lag", intent
    assert intent.prompt == "pop punk song", intent
    intent = parse("写首歌 用这段歌词 【主歌】今天下雨了 【副歌】我想你了", 0, catalogues())
    assert intent.options.get("lyrics") == "【主歌】今天下雨了 【副歌】我想你了", intent


def _model(text: str) -> tuple[str | None, str | None, str]:
    from .test_intent_corpus import model_id

    intent = parse(text, 0, catalogues())
    return model_id(intent), intent.task_type, intent.prompt


@pytest.mark.parametrize("text, model, task_type", [
    # 即梦 is the catalogue's name of two families, one per media: the media asked for picks it
    ("即梦 画一张国风少女", "doubao-seedream-4.5", "text_to_image"),
    ("即梦 做个视频 一只猫在跑", "doubao-seedance-1.5-pro", "text_to_video"),
    ("以后视频都用即梦", "doubao-seedance-1.5-pro", "text_to_video"),
    ("以后都用即梦", "doubao-seedream-4.5", "text_to_image"),
    # 豆包 (doubao) is the brand of all three: its music family is the catalogue's "豆包"
    ("豆包写首歌 关于家乡", "GenBGM", "text_to_music"),
    ("用豆包生成一张海报", "doubao-seedream-4.5", "text_to_image"),
    ("用doubao做个视频 海边", "doubao-seedance-1.5-pro", "text_to_video"),
])
def test_a_brand_name_means_the_family_of_the_media_asked_for(text: str, model: str, task_type: str) -> None:
    got_model, got_type, _ = _model(text)
    assert (got_model, got_type) == (model, task_type)


@pytest.mark.parametrize("text, model, prompt", [
    # a version the catalogue has not is still part of the name, never the prompt or a count
    ("kling 2.1 一只猫在跳舞", "kling-video-o1", "一只猫在跳舞"),
    ("suno v4.5 写首歌 关于雨", "sonic", "关于雨"),
    ("use suno v5 for a lofi beat", "sonic", "a lofi beat"),
    ("kling 3 video of a cat", "kling-video-o1", "a cat"),
    # … but a length, a ratio or a count after the name is not a version
    ("海螺 6秒 一只狗", "MiniMax-Hailuo-2.3", "一只狗"),
    ("可灵 9:16 女孩在跳舞", "kling-video-o1", "女孩在跳舞"),
])
def test_a_version_after_a_family_name_goes_with_the_name(text: str, model: str, prompt: str) -> None:
    got_model, _, got_prompt = _model(text)
    assert (got_model, got_prompt) == (model, prompt)
    assert parse("suno 2 songs about rain", 0, catalogues()).n == 2


@pytest.mark.parametrize("text, task_type", [
    # "from now on" said of a model no longer wanted drops the saved one; nothing is made or saved
    ("以后不用可灵了", "text_to_video"),
    ("以后别用海螺做视频了", "text_to_video"),
    ("以后不用最便宜的了", None),
    ("默认模型改回来", None),
])
def test_a_model_no_longer_wanted_resets_the_preference(text: str, task_type: str | None) -> None:
    intent = parse(text, 0, catalogues())
    assert intent.kind.value == "reset_preference" and not intent.request, intent
    assert intent.task_type == task_type and intent.model_key is None and intent.model_mode is None, intent


@pytest.mark.parametrize("text, model, strategy, task_type", [
    # a remark beside a saved preference ("别老给我换来换去", "贵点没关系") does not turn it into talk
    ("图片默认用即梦 别老给我换来换去", "doubao-seedream-4.5", None, "text_to_image"),
    ("以后视频都用最好的 贵点没关系", None, "best", "text_to_video"),
    ("以后都用最便宜的 没钱了", None, "cheapest", None),
])
def test_a_remark_beside_a_preference_keeps_the_preference(text: str, model: str | None, strategy: str | None,
                                                           task_type: str | None) -> None:
    from .test_intent_corpus import model_id

    intent = parse(text, 0, catalogues())
    assert intent.kind.value == "set_preference" and intent.model_mode == "always", intent
    assert (model_id(intent), intent.strategy, intent.task_type) == (model, strategy, task_type), intent


@pytest.mark.parametrize("text, expected", [
    # "this picture", whatever it is called, before the change
    ("这张KV的背景换成雪景 其他不动", "背景换成雪景 其他不动"),
    ("这张合照给每个人加上圣诞帽", "给每个人加上圣诞帽"),
    ("这张图 背景换成白色", "背景换成白色"),
])
def test_an_edit_loses_this_picture_whatever_it_is_called(text: str, expected: str) -> None:
    assert _prompt(text, 1) == expected


@pytest.mark.parametrize("text, expected", [
    ("把这两张合成一张 让两只狗坐在同一个沙发上", "合成一张 让两只狗坐在同一个沙发上"),
])
def test_an_edit_of_two_pictures_loses_which_pictures(text: str, expected: str) -> None:
    assert _prompt(text, 2) == expected


@pytest.mark.parametrize("text, expected", [
    # someone's need with its making word ("我们公司要做一个招聘海报")
    ("我们公司要做一个招聘海报 需要科技感 蓝色调", "招聘海报 需要科技感 蓝色调"),
    ("老板要一张双十一的促销海报，红色", "双十一的促销海报，红色"),
    # "点" is a measure word after a making word ("整点…", "来一点…")
    ("给我整点赛博朋克风的壁纸 手机用", "赛博朋克风的壁纸"),
    ("来一点轻音乐 放松的", "轻音乐 放松的"),
    # a polite lead before "给X画…"
    ("能给我的猫咪画一幅油画吗？它是一只橘猫 很胖", "猫咪的油画，它是一只橘猫 很胖"),
    # a head noun before "主题…" stays, like "小红书封面，主题是…"
    ("做一张海报吧 主题：地球一小时 关灯", "海报 主题：地球一小时 关灯"),
])
def test_needs_measure_words_and_head_nouns(text: str, expected: str) -> None:
    assert _prompt(text) == expected


def test_this_text_made_into_a_song_is_the_lyrics() -> None:
    intent = parse("可以帮我把这段话做成一首歌吗：春风十里不如你", 0, catalogues())
    assert intent.request and intent.task_type == "text_to_music", intent
    assert intent.options.get("lyrics") == "春风十里不如你", intent


@pytest.mark.parametrize("text, images, expected", [
    # who is spoken to goes, whatever follows it
    ("大佬 想要个婚礼开场视频 新郎新娘剪影 海边日落", 0, "婚礼开场视频 新郎新娘剪影 海边日落"),
    ("老师们，帮我做张运动会海报 蓝色", 0, "运动会海报 蓝色"),
    # thanks and pleading at the end, after a space, go
    ("画个表情包：一只熊猫抱着键盘哭 感谢", 0, "表情包：一只熊猫抱着键盘哭"),
    ("来张流浪狗领养日的 IG post，温暖可爱 style 拜托拜托", 0, "流浪狗领养日的 IG post，温暖可爱 style"),
    # where it will be used goes, whatever ends the message (～, thanks, an emoji)
    ("把这张产品图的背景换成纯白色，电商主图要用 谢谢啦🙏", 1, "背景换成纯白色"),
    ("这张产品图帮我抠掉背景 换成纯白底 电商主图要用的～", 1, "抠掉背景 换成纯白底"),
    # "一下" is how long the motion lasts, even with thanks after it
    ("这张老照片能让爷爷奶奶笑一下吗，谢谢", 1, "爷爷奶奶笑一下"),
    # "麻烦" before "可以…吗" asks politely; it is no question about the bot
    ("麻烦可以帮我出一张团建的宣传图吗 主题是草原露营", 0, "团建的宣传图 主题是草原露营"),
    ("麻烦能不能帮忙出一张小红书封面 奶油色系", 0, "小红书封面 奶油色系"),
])
def test_who_is_addressed_and_how_it_is_asked_leave_the_prompt(text: str, images: int, expected: str) -> None:
    assert _prompt(text, images) == expected


@pytest.mark.parametrize("text, images, expected", [
    # pauses typed as spaces instead of commas leave the same prompt
    ("用veo做个video 要有audio 海浪拍打礁石 8s", 0, "海浪拍打礁石"),
    ("你好！我想要一个 picture 一只猫在月亮上钓鱼 谢谢 🙏", 0, "一只猫在月亮上钓鱼"),
    ("pls 用 kling 做 video 一只狐狸 in the snow 5s", 0, "一只狐狸 in the snow"),
    ("给我的 vlog 配个 bgm japan trip 轻快一点", 0, "vlog 的 bgm japan trip 轻快一点"),
    ("用最便宜的模型随便出一张占位图就行 灰色背景", 0, "占位图 灰色背景"),
    ("用 best 的 model 生成一个产品 demo video 智能手表在手腕上亮屏", 0,
     "产品 demo video 智能手表在手腕上亮屏"),
    ("用 suno 来两首 EDM。drop 要炸", 0, "EDM。drop 要炸"),
    ("麻烦做一个家长会的开场短片 粉笔字在黑板上写出“欢迎回家” 横屏 辛苦", 0,
     "家长会的开场短片 粉笔字在黑板上写出“欢迎回家”"),
    ("用万相把这张古画做成视频 画里的船慢慢划走", 1, "船慢慢划走"),
    ("这张老照片能让爷爷奶奶笑一下吗 谢谢啦🙏", 1, "爷爷奶奶笑一下"),
    # count words that belong to the thing made, after a verb that is also a filler
    ("来张618大促的电商主图，一台空气炸锅", 0, "618大促的电商主图，一台空气炸锅"),
    ("求一张618大促的电商主图，一台空气炸锅", 0, "618大促的电商主图，一台空气炸锅"),
])
def test_spaces_for_commas_leave_the_same_prompt(text: str, images: int, expected: str) -> None:
    assert _prompt(text, images) == expected


@pytest.mark.parametrize("text, model, expected", [
    # a model named before the request changes nothing else: not its polite question, not "给我们…"
    ("用香蕉pro 可以帮我画一只在弹吉他的海獭吗", "gemini-3-pro-image", "一只在弹吉他的海獭"),
    ("用 nano banana 2 能不能帮我画一下我家楼下那棵银杏树秋天的样子？", "gemini-3.1-flash-image",
     "我家楼下那棵银杏树秋天的样子"),
    ("用香蕉pro 给我们公司年会做个邀请函的底图，中国风", "gemini-3-pro-image",
     "公司年会邀请函的底图，中国风"),
    ("用 veo 给我的歌配个MV片段，雨夜的便利店", "veo-3.1-generate-preview", "MV片段，雨夜的便利店"),
    # the verb that asked for a count goes with it
    ("来张流浪狗领养日的 IG post，温暖可爱 style 出两张", None, "流浪狗领养日的 IG post，温暖可爱 style"),
])
def test_a_model_named_first_leaves_the_rest_as_it_was(text: str, model: str | None, expected: str) -> None:
    from .test_intent_corpus import model_id

    intent = parse(text, 0, catalogues())
    assert intent.request and model_id(intent) == model and intent.prompt == expected, intent


@pytest.mark.parametrize("text, model, expected", [
    # a model named after the request, with or without its verb, leaves the request as it was
    ("画个表情包：一只熊猫捂脸说'我太难了' 用即梦画", "doubao-seedream-4.5",
     "表情包：一只熊猫捂脸说'我太难了'"),
    ("做个 9:16 的 TikTok 视频 一个女生在 Tokyo 街头展示 OOTD 海螺做", "MiniMax-Hailuo-2.3",
     "一个女生在 Tokyo 街头展示 OOTD"),
])
def test_a_model_named_last_takes_its_verb_with_it(text: str, model: str, expected: str) -> None:
    from .test_intent_corpus import model_id

    intent = parse(text, 0, catalogues())
    assert intent.request and model_id(intent) == model and intent.prompt == expected, intent


@pytest.mark.parametrize("text, model, lyrics", [
    # the model named after the verses is no verse
    ("给幼儿园毕业典礼写首歌 歌词是：小书包背起来 我们要长大 再见了滑滑梯 豆包歌曲", "GenSong",
     "小书包背起来 我们要长大 再见了滑滑梯"),
    ("写首歌 歌词：我们都是追梦人，用suno", "sonic", "我们都是追梦人"),
    ("写首歌 歌词：用心去爱 用力去活", None, "用心去爱 用力去活"),
])
def test_a_model_named_after_the_lyrics_is_the_model(text: str, model: str | None, lyrics: str) -> None:
    from .test_intent_corpus import model_id

    intent = parse(text, 0, catalogues())
    assert model_id(intent) == model and intent.options.get("lyrics") == lyrics, intent


@pytest.mark.parametrize("text, options", [
    # options said in other Chinese words leave the prompt and set the option
    ("做个视频 海边 竖着的", {"aspect_ratio": "9:16"}),
    ("做个视频 海边 横着的", {"aspect_ratio": "16:9"}),
    ("做个视频 海边 手机竖屏", {"aspect_ratio": "9:16"}),
    ("做个视频 海边 高清1080", {"resolution": "1080P"}),
    ("做个视频 海边 配上音效", {"generate_audio": True}),
    ("写首歌 关于海边 两分半", {"duration": 150}),
])
def test_options_in_other_chinese_words(text: str, options: dict[str, object]) -> None:
    intent = parse(text, 0, catalogues())
    got = {k: v for k, v in intent.options.items() if k in options}
    assert got == options and intent.prompt in ("海边", "关于海边"), intent


@pytest.mark.parametrize("text, images, charged", [
    # a model named right after the asking words, or in a part of its own, is the one to use
    ("能不能用海螺 让照片里的爷爷眨眨眼笑一下？", 1, True),
    ("用香蕉pro 可以帮我画一只在弹吉他的海獭吗", 0, True),
    # whether a model can do something is a question about it: nothing is made
    ("用可灵能做这种效果吗？", 1, False),
    ("kling 好用吗", 0, False),
])
def test_a_model_to_use_and_a_model_asked_about(text: str, images: int, charged: bool) -> None:
    intent = parse(text, images, catalogues())
    assert intent.request is charged, intent


@pytest.mark.parametrize("text, expected", [
    # when or where the thing is played describes it ("用于…", "…的时候用"); where the user will hang or post
    # it does not
    ("帮我生成一段游戏背景音乐，像素风，打boss的时候用", "游戏背景音乐，像素风，打boss的时候用"),
    ("帮我生成两首不同风格的BGM，用于美食vlog，轻松愉快", "不同风格的BGM，用于美食vlog，轻松愉快"),
    ("想请你帮我画一张牡丹花，国画的那种，挂在客厅", "牡丹花，国画的那种"),
])
def test_the_use_that_describes_the_thing_stays(text: str, expected: str) -> None:
    assert _prompt(text) == expected


@pytest.mark.parametrize("text, expected", [
    # asking for a sharp picture is an instruction, like "best quality" ("倒影清晰" describes, and stays)
    ("一个女孩在图书馆看书，日系清新风，帮我画一下，要高清的", "一个女孩在图书馆看书，日系清新风"),
    ("熊猫吃拉面，帮我出两张，高清一点", "熊猫吃拉面"),
    ("雪山下的湖泊 倒影清晰", "雪山下的湖泊 倒影清晰"),
])
def test_asking_for_sharpness_is_no_prompt(text: str, expected: str) -> None:
    assert _prompt(text) == expected


@pytest.mark.parametrize("text, n, expected", [
    # a count said with the making verb and the thing made, before a colon, is how many
    ("做4个表情包：打工人崩溃", 4, "表情包：打工人崩溃"),
    # a count inside the subject (after its own measure word, or 条 before what is not a video) is no count
    ("不是开玩笑 帮我画一只八条腿的猫", None, "一只八条腿的猫"),
    ("画三条腿的凳子", None, "三条腿的凳子"),
    ("来三条短视频 猫咪跳舞", 3, "猫咪跳舞"),
])
def test_counts_of_things_made_and_counts_inside_the_subject(text: str, n: int | None, expected: str) -> None:
    intent = parse(text, 0, catalogues())
    assert intent.request and intent.n == n and intent.prompt == expected, intent


@pytest.mark.parametrize("text, style", [
    # the ask said after one line of lyrics is no verse; "用我自己写的" only says whose lyrics they are
    ("用我自己写的歌词：月亮代表我的心，做一首歌", ""),
    ("用我自己写的歌词：月亮代表我的心，做一首民谣", "民谣"),
    ("make a folk song with my own lyrics: the moon is bright tonight", "a folk song"),
])
def test_own_lyrics_and_the_ask_after_them(text: str, style: str) -> None:
    intent = parse(text, 0, catalogues())
    assert intent.request and intent.task_type == "text_to_music", intent
    assert intent.prompt == style
    assert intent.options["lyrics"] in ("月亮代表我的心", "the moon is bright tonight")


@pytest.mark.parametrize("text, lyrics, style", [
    # "这段词" is the lyrics; the thing made in the ask stays ("儿歌");
    # "歌词我写好了，女声，流行风：" and the lines below it
    ("用这段词做一首儿歌：\n小鸭子，嘎嘎叫\n摇摇摆摆去洗澡", "小鸭子，嘎嘎叫\n摇摇摆摆去洗澡", "儿歌"),
    ("歌词我写好了，女声，流行风：\n加班到深夜的地铁站\n耳机里放着你爱的歌",
     "加班到深夜的地铁站\n耳机里放着你爱的歌", "流行风"),
])
def test_lyrics_said_as_these_words_or_written_below(text: str, lyrics: str, style: str) -> None:
    intent = parse(text, 0, catalogues())
    assert intent.request and intent.options["lyrics"] == lyrics and intent.prompt == style, intent


@pytest.mark.parametrize("text, expected", [
    ("妈妈生日快到了，画一张生日贺卡，粉色康乃馨，写上『妈妈生日快乐』",
     "生日贺卡，粉色康乃馨，写上『妈妈生日快乐』"),
    ("文案写好了，给这段配个视频：清晨的城市天际线，阳光穿过高楼，10秒 16:9",
     "清晨的城市天际线，阳光穿过高楼"),
])
def test_closing_quotes_and_this_clip_accompanied(text: str, expected: str) -> None:
    assert _prompt(text) == expected


def test_enough_and_sound_said_in_mixed_words() -> None:
    assert _prompt("把这张产品图做成视频，镜头慢慢推近，5秒就够", 1) == "镜头慢慢推近"
    intent = parse("用 Veo 做一个带 sound 的视频：海浪拍打礁石，4秒", 0, catalogues())
    assert intent.options["generate_audio"] is True and intent.prompt == "海浪拍打礁石"


@pytest.mark.parametrize("text, expected", [
    ("给我的小红书封面做张图：周末露营，帐篷+咖啡+落日，ins风",
     "小红书封面：周末露营，帐篷+咖啡+落日，ins风"),
    ("整个5秒的动画，小黄鸭在浴缸里漂", "小黄鸭在浴缸里漂"),
    ("帮忙生成个短片 讲一只流浪狗找到家的故事", "一只流浪狗找到家的故事"),
    ("@ima OST 的 main theme 来一版，orchestral，epic 一点", "OST 的 main theme，orchestral，epic 一点"),
    ("画一张，嗯，赛博朋克风格的重庆夜景，要2K，来两张", "赛博朋克风格的重庆夜景"),
])
def test_plain_media_words_asks_after_the_thing_and_hesitations_go(text: str, expected: str) -> None:
    assert _prompt(text) == expected


def test_the_pictures_sent_are_no_count() -> None:
    assert parse("两张图，第一张是小宝一岁，第二张是现在，做个从小到大的变化视频", 2, catalogues()).n is None


@pytest.mark.parametrize("text, expected", [
    # "edit this picture" said before the change only asks
    ("帮我p一下这张图，把背景换成沙滩", "背景换成沙滩"),
    ("帮我修一下这张照片，去掉路人", "去掉路人"),
])
def test_edit_this_picture_before_the_change_goes(text: str, expected: str) -> None:
    assert _prompt(text, 1) == expected


def test_lyrics_left_to_the_bot_go() -> None:
    assert _prompt("写一首歌，名字叫“加班狗”，说唱风格，歌词自由发挥") == "名字叫“加班狗”，说唱风格"


@pytest.mark.parametrize("text, expected", [
    # the "to" of an option read, and a joining word left once the part before it went
    ("帮我把这张图的分辨率提高到4K", "分辨率提高"),
    ("把这张图放大到4k，顺便去掉水印", "去掉水印"),
])
def test_scraps_an_option_leaves_in_an_edit(text: str, expected: str) -> None:
    assert _prompt(text, 1) == expected


@pytest.mark.parametrize("text, expected", [
    # a label after what to make, in the same sentence, keeps what was said before it
    ("画一只猫，要求：橘色，胖胖的，在晒太阳", "一只猫，橘色，胖胖的，在晒太阳"),
    ("帮我画个头像，要求如下：短发，戴眼镜", "头像，短发，戴眼镜"),
    # the label after only an instruction leaves the description
    ("做个视频，内容：猫在跳舞", "猫在跳舞"),
    # someone's need, however long their name, before the thing made
    ("这个campaign要个KV，主题「城市漫游」，风格minimal一点", "KV，主题「城市漫游」，风格minimal一点"),
])
def test_labels_after_the_thing_made_and_long_needs(text: str, expected: str) -> None:
    assert _prompt(text) == expected


@pytest.mark.parametrize("text, expected", [
    # what the subject is doing, when the ask or the media is said later (REVIEW9 5.1)
    ("做瑜伽的女孩，视频，10秒", "做瑜伽的女孩"),
    ("做实验的科学家 画一张", "做实验的科学家"),
    ("做手术的医生，写实风格图片", "做手术的医生，写实风格"),
    # "做成动画/动图" after the description asks for the media (REVIEW9 5.4)
    ("一个小男孩的冒险，做成动画", "一个小男孩的冒险"),
    ("小猫打架，做成动图", "小猫打架"),
])
def test_doing_subjects_and_made_into_animation(text: str, expected: str) -> None:
    assert _prompt(text) == expected


@pytest.mark.parametrize("text", ["暂停五分钟", "休息十分钟", "等我五分钟", "5 min break",
                                  "back in 10 minutes"])
def test_a_wait_or_a_break_is_no_length(text: str) -> None:
    assert "duration" not in parse(text, 0, catalogues()).options


def test_a_length_of_a_thing_made_after_give_me_stays() -> None:
    assert parse("给我五秒的视频，海浪", 0, catalogues()).options["duration"] == 5
    assert parse("give me a 5 second clip of waves", 0, catalogues()).options["duration"] == 5
